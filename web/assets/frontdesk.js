// Front desk: open an application, fetch e-licences by SMS consent, read a paper scan and correct
// it, then check the materials, build the package, push it and watch it until delivered.
import { api, ApiError } from './api.js';
import { h, field, busy, toast } from './dom.js';
import { t } from './i18n.js';
import { scanPanel } from './scan.js';

const CATEGORIES = ['low_voltage_residential', 'low_voltage_non_residential', 'high_voltage'];
const LICENCE_TYPES = ['business_licence', 'id_card', 'property_certificate', 'electrical_permit'];

const state = { app: null };  // the open application (GET /v1/applications/{id})

function section(id, title, ...body) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...body);
}

// ---- application ---------------------------------------------------------------------------------
function applicationPanel(onOpen) {
  const id = h('input', { name: 'application_id', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}', autocomplete: 'off',
    value: sessionStorage.getItem('lgw.app') || '' });
  const category = h('select', { name: 'customer_category' },
    CATEGORIES.map((c) => h('option', { value: c }, t(`cat.${c}`))));
  const name = h('input', { name: 'customer_name', autocomplete: 'off' });
  const phone = h('input', { name: 'phone', inputmode: 'numeric', pattern: '1[3-9][0-9]{9}', autocomplete: 'off' });
  const out = h('p', { class: 'msg', role: 'alert' });
  const openBtn = h('button', { type: 'button', id: 'app-open' }, t('app.open'));
  const saveBtn = h('button', { type: 'submit', id: 'app-save' }, t('app.save'));
  const fill = (a) => {
    state.app = a;
    sessionStorage.setItem('lgw.app', a.application_id);
    id.value = a.application_id;
    category.value = a.customer_category;
    name.value = a.customer_name;
    phone.value = a.phone;
    onOpen(a);
  };
  openBtn.addEventListener('click', () => busy(openBtn, out, async () => {
    fill(await api('GET', `/v1/applications/${encodeURIComponent(id.value.trim())}`));
    toast(t('app.loaded', { id: state.app.application_id }));
  }));
  const form = h('form', { class: 'grid' },
    field(t('app.id'), id), field(t('app.category'), category), field(t('app.name'), name), field(t('app.phone'), phone),
    h('div', { class: 'actions' }, openBtn, saveBtn), out);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(saveBtn, out, async () => {
      fill(await api('PUT', `/v1/applications/${encodeURIComponent(id.value.trim())}`,
        { customer_category: category.value, customer_name: name.value.trim(), phone: phone.value.trim() }));
      toast(t('app.saved', { id: state.app.application_id }));
    });
  });
  return { el: section('application', t('app.title'), form), reopen: () => id.value && openBtn.click() };
}

// ---- e-licences by consent -----------------------------------------------------------------------
function licencePanel(onFetched) {
  const code = h('input', { name: 'subject_code', maxlength: 18, autocomplete: 'off', spellcheck: 'false', class: 'mono' });
  const hint = h('p', { class: 'hint', 'aria-live': 'polite' });
  let verdict = null;
  let checkSeq = 0;
  code.addEventListener('input', async () => {
    code.value = code.value.toUpperCase().replace(/\s/g, '');
    verdict = null;
    if (consent && code.value !== consent.subjectCode) endConsent();  // another customer: a new consent
    const v = code.value;
    if (v.length < 18) {
      hint.textContent = v ? t('code.count', { n: v.length }) : '';
      hint.className = 'hint';
      return;
    }
    const seq = ++checkSeq;
    try {
      const r = await api('POST', '/v1/identity-codes/validate', { code: v });
      if (seq !== checkSeq) return;
      verdict = r;
      if (r.valid || r.kind) typesFor(r.kind);
      hint.textContent = r.valid ? t('code.ok', { kind: t(`kind.${r.kind}`) }) : r.reason;
      hint.className = r.valid ? 'hint good' : 'hint bad';
      code.setAttribute('aria-invalid', r.valid ? 'false' : 'true');
    } catch (e) {
      hint.textContent = e.message;
    }
  });
  const types = h('fieldset', { class: 'checks' }, h('legend', {}, t('lic.types')),
    LICENCE_TYPES.map((ty) => h('label', {}, h('input', { type: 'checkbox', name: 'licence_type', value: ty,
      checked: ty === 'business_licence' || ty === 'id_card' }), ' ', t(`type.${ty}`))));
  // A person has no business licence and a company no ID card: the types follow the code's kind
  // (once per kind, so that the desk's own ticks stay).
  let typesKind = null;
  const typesFor = (kind) => {
    if (!kind || kind === typesKind) return;
    typesKind = kind;
    for (const box of types.querySelectorAll('input')) {
      const notForIt = (kind === 'id_number' && box.value === 'business_licence') ||
        (kind === 'credit_code' && box.value === 'id_card');
      box.disabled = notForIt;
      if (notForIt) box.checked = false;
      if (kind === 'id_number' && box.value === 'id_card') box.checked = true;
      if (kind === 'credit_code' && box.value === 'business_licence') box.checked = true;
    }
  };
  const out = h('p', { class: 'msg', role: 'alert' });
  // Read out in full before the code is sent: the text whose hash the consent records.
  const consentText = h('blockquote', { class: 'consent-text', id: 'consent-text' }, t('lic.textLoading'));
  api('GET', '/v1/consent-text').then((r) => { consentText.textContent = r.text; })
    .catch((e) => { consentText.textContent = e.message; });
  const sendBtn = h('button', { type: 'button', id: 'consent-send' }, t('lic.send'));
  const smsCode = h('input', { name: 'sms_code', inputmode: 'numeric', maxlength: 6, autocomplete: 'one-time-code', class: 'mono' });
  const verifyBtn = h('button', { type: 'button', id: 'consent-verify' }, t('lic.verify'));
  const resendBtn = h('button', { type: 'button', class: 'secondary', id: 'consent-resend' }, t('lic.resend'));
  const step2 = h('div', { class: 'step', hidden: true },
    h('p', { class: 'sent', 'aria-live': 'polite' }), field(t('lic.smscode'), smsCode),
    h('div', { class: 'actions' }, verifyBtn, resendBtn));
  const result = h('div', { class: 'licences' });
  let consent = null;
  let timer = null;
  // One send per consent: the next code only through 重新发送 after its countdown, so that a
  // second click never spends one of the customer's codes.
  const endConsent = () => {
    consent = null;
    clearInterval(timer);
    step2.hidden = true;
    sendBtn.disabled = false;
  };

  const countdown = (seconds) => {
    clearInterval(timer);
    let left = seconds;
    resendBtn.disabled = true;
    resendBtn.textContent = t('lic.resendIn', { s: left });
    timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        resendBtn.disabled = false;
        resendBtn.textContent = t('lic.resend');
      } else resendBtn.textContent = t('lic.resendIn', { s: left });
    }, 1000);
  };

  sendBtn.addEventListener('click', async () => {
    await busy(sendBtn, out, sendCode);
    if (consent) sendBtn.disabled = true;
  });
  const sendCode = async () => {
    if (!state.app) throw new Error(t('app.none'));
    const chosen = [...types.querySelectorAll('input:checked')].map((i) => i.value);
    const kind = verdict ? verdict.kind : (/^\d{17}[\dX]$/.test(code.value) ? 'id_number' : 'credit_code');
    consent = await api('POST', '/v1/consents', {
      application_id: state.app.application_id,
      subject: { type: kind === 'id_number' ? 'person' : 'enterprise', code: code.value },
      licence_types: chosen, purpose: 'power_connection' });
    consent.subjectCode = code.value;
    const minutes = Math.max(1, Math.round((Date.parse(consent.expires_at) - Date.now()) / 60000));
    step2.querySelector('.sent').textContent = t('lic.sent', { phone: consent.masked_phone, min: minutes });
    step2.hidden = false;
    countdown(consent.resend_after_s);
    smsCode.focus();
  };
  smsCode.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !verifyBtn.disabled) {
      e.preventDefault();
      verifyBtn.click();
    }
  });
  resendBtn.addEventListener('click', () => busy(resendBtn, out, async () => {
    const r = await api('POST', `/v1/consents/${consent.consent_id}/resend`);
    countdown(r.resend_after_s);
  }));
  verifyBtn.addEventListener('click', () => busy(verifyBtn, out, async () => {
    let grant;
    try {
      grant = await api('POST', `/v1/consents/${consent.consent_id}/verify`, { code: smsCode.value.trim() });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'code_mismatch') throw new Error(t('lic.left', { n: e.problem.attempts_left }));
      if (e instanceof ApiError && e.code === 'consent_locked') {
        endConsent();
        throw new Error(t('lic.locked'));
      }
      throw e;
    }
    const got = await api('POST', `/v1/grants/${grant.grant_id}/licences`);
    endConsent();
    smsCode.value = '';
    showLicences(result, got);
    toast(t('lic.fetched', { n: got.licences.length }), 'good');
    onFetched(got);
  }));

  return section('elicence', t('lic.title'),
    h('div', { class: 'grid' }, field(t('lic.code'), code, hint), types),
    h('p', { class: 'read-out' }, t('lic.readOut')), consentText,
    h('div', { class: 'actions' }, sendBtn), step2, out, result);
}

function showLicences(container, got) {
  // A sealed OFD licence cannot be drawn by the browser and must not be re-rendered: its seal's
  // verdict and the file itself, byte for byte, to keep or to verify; an image licence is shown.
  const view = (l) => (l.content_type === 'application/ofd'
    ? h('div', { class: 'sealed', dataset: { seal: l.seal || '' } },
      h('span', { class: 'chip ok' }, t('lic.sealed')),
      h('a', { href: `/v1/documents/${l.document_id}`, download: `${l.type}-${l.number}.ofd` }, t('lic.download')))
    : h('img', { src: `/v1/documents/${l.document_id}`, alt: `${t(`type.${l.type}`)} ${l.number}`, loading: 'lazy' }));
  const cards = got.licences.map((l) => h('figure', { class: 'licence', dataset: { contentType: l.content_type || '' } },
    view(l),
    h('figcaption', {},
      h('strong', {}, t(`type.${l.type}`)), ` ${l.number} · ${l.holder}`,
      h('br'), `${l.valid_from || ''} – ${l.valid_to || '长期'} · ${t('lic.signature')}: ${l.signature}`,
      l.expires_within_days !== null && l.expires_within_days !== undefined
        ? h('span', { class: 'chip needs_review' }, t('lic.expiring', { d: l.expires_within_days })) : null)));
  const af = got.autofill || {};
  const form = h('dl', { class: 'autofill', id: 'autofill' },
    Object.entries(af).filter(([, v]) => v !== null && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]));
  container.replaceChildren(h('div', { class: 'licence-list' }, cards), h('h3', {}, t('lic.autofill')), form);
}

// ---- materials, package, push --------------------------------------------------------------------
function materialsPanel() {
  const out = h('p', { class: 'msg', role: 'alert' });
  const table = h('div', { class: 'table-wrap' });
  const status = h('p', { class: 'pkg-status', id: 'package-status', 'aria-live': 'polite' });
  const refreshBtn = h('button', { type: 'button', class: 'secondary', id: 'materials-refresh' }, t('mat.refresh'));
  const buildBtn = h('button', { type: 'button', id: 'package-build' }, t('mat.build'));
  const pushBtn = h('button', { type: 'button', id: 'package-push', disabled: true }, t('mat.push'));
  let pkg = null;
  let poll = null;

  const render = (m) => {
    table.replaceChildren(h('table', {},
      h('thead', {}, h('tr', {}, [t('mat.material'), t('mat.status'), t('mat.due'), t('mat.doc')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, m.items.map((i) => h('tr', { dataset: { material: i.material } },
        h('td', {}, i.name || i.material),
        h('td', {}, h('span', { class: `chip ${i.status}` }, t(`mst.${i.status}`))),
        h('td', {}, i.due || ''),
        h('td', { class: 'mono' }, i.document_id ? `${i.source || ''} ${i.document_id.slice(0, 12)}…` : ''))))));
  };
  const refresh = () => busy(refreshBtn, out, async () => {
    if (!state.app) throw new Error(t('app.none'));
    render(await api('GET', `/v1/applications/${encodeURIComponent(state.app.application_id)}/materials`));
  });
  const watch = async () => {
    clearTimeout(poll);
    const p = await api('GET', `/v1/packages/${pkg.package_id}`);
    const parts = [t('pkg.state', { status: t(`pst.${p.status}`) }), t('pkg.attempts', { n: p.attempts })];
    if (p.last_error) parts.push(t('pkg.error', { e: p.last_error }));
    status.textContent = parts.join(' · ');
    status.dataset.status = p.status;
    if (!['delivered', 'dead_letter', 'suspended', 'built'].includes(p.status)) poll = setTimeout(() => watch().catch(() => {}), 1000);
  };
  refreshBtn.addEventListener('click', refresh);
  buildBtn.addEventListener('click', () => busy(buildBtn, out, async () => {
    if (!state.app) throw new Error(t('app.none'));
    try {
      pkg = await api('POST', `/v1/applications/${encodeURIComponent(state.app.application_id)}/packages`);
    } catch (e) {
      if (e instanceof ApiError && e.problem.items) render(e.problem);
      throw e;
    }
    render(pkg);
    pushBtn.disabled = false;
    status.textContent = t('pkg.built', { id: pkg.package_id, complete: t(pkg.complete ? 'pkg.complete' : 'pkg.incomplete') });
  }));
  pushBtn.addEventListener('click', () => busy(pushBtn, out, async () => {
    await api('POST', `/v1/packages/${pkg.package_id}/push`);
    await watch();
  }));
  return { el: section('materials', t('mat.title'), h('div', { class: 'actions' }, refreshBtn, buildBtn, pushBtn), table, status, out),
    refresh };
}

export function frontdeskView() {
  const materials = materialsPanel();
  const app = applicationPanel(() => materials.refresh());
  const view = h('div', { class: 'view' },
    app.el,
    licencePanel(() => materials.refresh()),
    scanPanel(() => state.app, () => materials.refresh()),
    materials.el);
  if (sessionStorage.getItem('lgw.app')) setTimeout(app.reopen, 0);
  return view;
}
