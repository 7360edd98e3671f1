// Texts of the console in simplified Chinese (the default) and English. Keys missing from English
// fall back to Chinese; a key missing from both shows itself, so that a gap is visible, not blank.
const zh = {
  skip: '跳到主要内容', title: '电子证照网关', 'nav.frontdesk': '前台受理', 'nav.audit': '审计',
  signout: '退出登录', 'who.as': '已登录：{id}（{role}）',
  'role.frontdesk': '前台', 'role.auditor': '审计员', 'role.admin': '管理员', 'role.marketing': '营销系统',
  'signin.title': '登录', 'signin.key': 'API 密钥', 'signin.help': '输入一次您的 API 密钥；网关换发会话，页面中不保留密钥。',
  'signin.submit': '登录', 'signin.expired': '会话已结束，请重新登录。', 'signin.nope': '此角色没有控制台页面（营销系统通过接口对接）。',
  busy: '处理中…', save: '保存', open: '打开', refresh: '刷新', close: '关闭',
  'app.title': '业扩报装申请', 'app.id': '申请编号', 'app.category': '客户类别', 'app.name': '客户名称', 'app.phone': '联系电话',
  'app.open': '打开申请', 'app.save': '保存申请', 'app.saved': '申请 {id} 已保存', 'app.loaded': '已打开申请 {id}',
  'app.none': '请先打开或新建一个申请。',
  'cat.high_voltage': '高压客户', 'cat.low_voltage_non_residential': '低压非居民客户', 'cat.low_voltage_residential': '低压居民客户',
  'lic.title': '电子证照（短信授权）', 'lic.code': '统一社会信用代码或身份证号', 'lic.types': '证照类型',
  'lic.readOut': '发送验证码前，请向客户完整宣读以下授权内容：', 'lic.textLoading': '正在载入授权内容…',
  'type.business_licence': '营业执照', 'type.id_card': '身份证', 'type.property_certificate': '不动产权证书',
  'type.electrical_permit': '用电设施产权证明', 'type.id_card_front': '身份证（人像面）', 'type.id_card_back': '身份证（国徽面）',
  'type.unknown': '无法识别',
  'lic.send': '发送验证码', 'lic.sent': '验证码已发送至政务平台登记的手机号 {phone}（不是申请表上填写的号码），{min} 分钟内有效。请客户读出收到的验证码。', 'lic.smscode': '短信验证码',
  'lic.verify': '确认授权并获取', 'lic.resend': '重新发送', 'lic.resendIn': '{s} 秒后可重发',
  'lic.left': '验证码不正确，还可尝试 {n} 次。', 'lic.locked': '错误次数过多，授权已锁定，请重新发起。',
  'lic.fetched': '已获取 {n} 份电子证照', 'lic.autofill': '自动填写的申请表', 'lic.signature': '签名',
  'lic.expiring': '{d} 天后到期', 'lic.sealed': '电子印章已验证（GB/T 38540）', 'lic.download': '下载 OFD 原件（带印章，可自行验章）', 'code.count': '已输入 {n}/18 位', 'code.ok': '{kind} 校验通过',
  'kind.credit_code': '统一社会信用代码', 'kind.id_number': '身份证号',
  'scan.title': '纸质材料扫描', 'scan.file': '扫描件或照片', 'scan.hint': '材料类型（可选）', 'scan.hintNone': '自动识别',
  'scan.upload': '上传并识别', 'scan.type': '识别为 {type}（置信度 {c}）', 'scan.contradicted': '页面内容与所选类型不符，请核对。',
  'scan.field': '字段', 'scan.value': '识别结果', 'scan.status': '状态', 'scan.confirm': '确认更正',
  'scan.corrected': '已记录 {n} 处更正', 'scan.nochange': '没有需要更正的字段',
  'scan.mismatch': '与电子证照不一致：{fields}', 'scan.crossok': '与电子证照一致',
  'status.ok': '正常', 'status.corrected': '已自动校正', 'status.needs_review': '需人工核对',
  'mat.title': '材料清单与推送', 'mat.refresh': '刷新清单', 'mat.build': '生成材料包', 'mat.push': '推送至营销系统',
  'mat.material': '材料', 'mat.status': '状态', 'mat.due': '补交期限', 'mat.doc': '文件',
  'mst.present': '已齐', 'mst.missing': '缺失', 'mst.deferred': '容缺待补', 'mst.overdue': '已逾期', 'mst.expired': '已过期',
  'mst.mismatch': '信息不一致', 'mst.not_required': '不适用',
  'pkg.built': '材料包 {id} 已生成（{complete}）', 'pkg.complete': '材料齐全', 'pkg.incomplete': '容缺受理',
  'pkg.state': '推送状态：{status}', 'pkg.attempts': '尝试 {n} 次', 'pkg.error': '原因：{e}',
  'pst.queued': '排队中', 'pst.delivering': '推送中', 'pst.delivered': '已送达', 'pst.retrying': '重试中',
  'pst.dead_letter': '推送失败（死信）', 'pst.built': '已生成', 'pst.suspended': '已中止',
  'audit.title': '审计事件', 'audit.actor': '操作者', 'audit.subject': '主体代码', 'audit.document': '文件编号',
  'audit.action': '操作', 'audit.outcome': '结果', 'audit.from': '起始时间', 'audit.to': '结束时间', 'audit.any': '全部',
  'audit.search': '查询', 'audit.next': '下一页', 'audit.alerts': '告警列表', 'audit.verify': '校验哈希链',
  'audit.export': '导出 NDJSON', 'audit.none': '没有符合条件的事件。',
  'audit.ok': '哈希链完整：{n} 个事件，链头 {head}', 'audit.bad': '哈希链在序号 {seq} 处断裂：{reason}',
  'audit.exported': '已导出，可用 licence-gateway audit verify 离线校验。',
  'col.seq': '序号', 'col.at': '时间', 'col.actor': '操作者', 'col.role': '角色', 'col.action': '操作',
  'col.target': '对象', 'col.app': '申请', 'col.outcome': '结果',
  'out.allowed': '允许', 'out.denied': '拒绝', 'out.error': '错误',
  'err.network': '无法连接网关：{e}',
};

const en = {
  skip: 'Skip to main content', title: 'Licence Gateway', 'nav.frontdesk': 'Front desk', 'nav.audit': 'Audit',
  signout: 'Sign out', 'who.as': 'Signed in: {id} ({role})',
  'role.frontdesk': 'front desk', 'role.auditor': 'auditor', 'role.admin': 'admin', 'role.marketing': 'marketing system',
  'signin.title': 'Sign in', 'signin.key': 'API key', 'signin.help': 'Enter your API key once; the gateway exchanges it for a session and the page keeps no key.',
  'signin.submit': 'Sign in', 'signin.expired': 'Your session has ended; sign in again.', 'signin.nope': 'This role has no console pages (the marketing system uses the API).',
  busy: 'Working…', save: 'Save', open: 'Open', refresh: 'Refresh', close: 'Close',
  'app.title': 'Connection application', 'app.id': 'Application number', 'app.category': 'Customer category',
  'app.name': 'Customer name', 'app.phone': 'Contact phone', 'app.open': 'Open application', 'app.save': 'Save application',
  'app.saved': 'Application {id} saved', 'app.loaded': 'Application {id} opened', 'app.none': 'Open or create an application first.',
  'cat.high_voltage': 'High voltage', 'cat.low_voltage_non_residential': 'Low voltage, non-residential',
  'cat.low_voltage_residential': 'Low voltage, residential',
  'lic.title': 'E-licences (SMS consent)', 'lic.code': 'Credit code or ID number', 'lic.types': 'Licence types',
  'lic.readOut': 'Before sending the code, read this consent to the customer in full:', 'lic.textLoading': 'Loading the consent text…',
  'type.business_licence': 'Business licence', 'type.id_card': 'ID card', 'type.property_certificate': 'Property certificate',
  'type.electrical_permit': 'Proof of electrical facility ownership', 'type.id_card_front': 'ID card (photo side)', 'type.id_card_back': 'ID card (emblem side)',
  'type.unknown': 'not recognised',
  'lic.send': 'Send code', 'lic.sent': 'A code went to {phone}, the phone the government platform has on record (not the one on the form); valid for {min} minutes. Ask the customer to read it out.', 'lic.smscode': 'SMS code',
  'lic.verify': 'Confirm consent and fetch', 'lic.resend': 'Resend', 'lic.resendIn': 'Resend in {s} s',
  'lic.left': 'Wrong code; {n} attempts left.', 'lic.locked': 'Too many wrong codes: this consent is locked; start again.',
  'lic.fetched': '{n} e-licences fetched', 'lic.autofill': 'Auto-filled form', 'lic.signature': 'Signature',
  'lic.expiring': 'expires in {d} days', 'lic.sealed': 'Electronic seal verified (GB/T 38540)', 'lic.download': 'Download the sealed OFD file (verifiable)', 'code.count': '{n}/18 characters', 'code.ok': '{kind}: valid',
  'kind.credit_code': 'Credit code', 'kind.id_number': 'ID number',
  'scan.title': 'Paper scan', 'scan.file': 'Scan or photo', 'scan.hint': 'Document type (optional)', 'scan.hintNone': 'Detect',
  'scan.upload': 'Upload and read', 'scan.type': 'Read as {type} (confidence {c})',
  'scan.contradicted': 'The page does not look like the chosen type; check it.',
  'scan.field': 'Field', 'scan.value': 'Read', 'scan.status': 'Status', 'scan.confirm': 'Confirm corrections',
  'scan.corrected': '{n} corrections recorded', 'scan.nochange': 'Nothing to correct',
  'scan.mismatch': 'Differs from the e-licence: {fields}', 'scan.crossok': 'Agrees with the e-licence',
  'status.ok': 'ok', 'status.corrected': 'corrected', 'status.needs_review': 'needs review',
  'mat.title': 'Materials and push', 'mat.refresh': 'Refresh checklist', 'mat.build': 'Build package', 'mat.push': 'Push to marketing',
  'mat.material': 'Material', 'mat.status': 'Status', 'mat.due': 'Due', 'mat.doc': 'Document',
  'mst.present': 'present', 'mst.missing': 'missing', 'mst.deferred': 'deferred', 'mst.overdue': 'overdue', 'mst.expired': 'expired',
  'mst.mismatch': 'mismatch', 'mst.not_required': 'not required',
  'pkg.built': 'Package {id} built ({complete})', 'pkg.complete': 'complete', 'pkg.incomplete': 'with deferred materials',
  'pkg.state': 'Push status: {status}', 'pkg.attempts': '{n} attempts', 'pkg.error': 'Reason: {e}',
  'pst.queued': 'queued', 'pst.delivering': 'delivering', 'pst.delivered': 'delivered', 'pst.retrying': 'retrying',
  'pst.dead_letter': 'dead letter', 'pst.built': 'built', 'pst.suspended': 'suspended',
  'audit.title': 'Audit events', 'audit.actor': 'Actor', 'audit.subject': 'Subject code', 'audit.document': 'Document',
  'audit.action': 'Action', 'audit.outcome': 'Outcome', 'audit.from': 'From', 'audit.to': 'To', 'audit.any': 'any',
  'audit.search': 'Search', 'audit.next': 'Next page', 'audit.alerts': 'Alerts', 'audit.verify': 'Verify the chain',
  'audit.export': 'Export NDJSON', 'audit.none': 'No events match.',
  'audit.ok': 'Chain intact: {n} events, head {head}', 'audit.bad': 'Chain broken at seq {seq}: {reason}',
  'audit.exported': 'Exported; check it offline with licence-gateway audit verify.',
  'col.seq': 'Seq', 'col.at': 'Time', 'col.actor': 'Actor', 'col.role': 'Role', 'col.action': 'Action',
  'col.target': 'Target', 'col.app': 'Application', 'col.outcome': 'Outcome',
  'out.allowed': 'allowed', 'out.denied': 'denied', 'out.error': 'error',
  'err.network': 'Cannot reach the gateway: {e}',
};

const dictionaries = { 'zh-CN': zh, en };
let lang = localStorage.getItem('lgw.lang') === 'en' ? 'en' : 'zh-CN';

export function language() { return lang; }

export function setLanguage(l) {
  lang = l === 'en' ? 'en' : 'zh-CN';
  localStorage.setItem('lgw.lang', lang);
  document.documentElement.lang = lang;
}

export function t(key, params = {}) {
  const text = dictionaries[lang][key] ?? zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : `{${k}}`));
}

/** Fills every [data-i18n] element under root with its text. */
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
