// End-to-end tests of the console in a real browser: Debian's chromium driven by playwright-core,
// against `licence-gateway serve` on its embedded defaults (demo keys, SQLite, the government
// platform simulator, the log SMS sender, the in-process marketing receiver) on a free port.
// Run by ctest (e2e_console) with LGW_BINARY and LGW_E2E_ARTIFACTS set; each test leaves a
// screenshot in the artefacts directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const binary = process.env.LGW_BINARY || join(root, 'build', 'licence-gateway');
const artefacts = process.env.LGW_E2E_ARTIFACTS || join(root, 'build', 'e2e-artifacts');
const chromiumPath = process.env.LGW_CHROMIUM || '/usr/bin/chromium';

let gateway;
let dataDir;
let base;
let browser;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the gateway did not answer /healthz within ${ms} ms`);
}

// The code the log SMS sender wrote for this consent (sms.ndjson in the data directory).
function smsCode(consentId) {
  const lines = readFileSync(join(dataDir, 'sms.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const mine = lines.filter((l) => l.reference === consentId && l.params && l.params.code);
  assert.ok(mine.length, `no SMS for consent ${consentId}`);
  return mine[mine.length - 1].params.code;
}

// A synthetic person of the simulator with an ID card and a property certificate.
function person() {
  const holders = JSON.parse(readFileSync(join(root, 'config', 'govsim', 'holders.json'), 'utf8')).holders;
  const h = holders.find((x) => x.holder_code_type === 'ID' && x.licences.some((l) => l.type === 'property_certificate'));
  assert.ok(h, 'holders.json has a person with a property certificate');
  return h.holder_code;
}

async function newPage(t) {
  const context = await browser.newContext({ acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(`console: ${m.text()}`); });
  t.after(async () => {
    const name = t.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
    await page.screenshot({ path: join(artefacts, `${name}.png`), fullPage: true }).catch(() => {});
    await context.close();
  });
  return { page, context, problems };
}

async function signIn(page, key) {
  await page.goto(`${base}/`);
  await page.waitForURL(/#\/signin$/);
  await page.getByLabel('API 密钥').fill(key);
  await page.getByRole('button', { name: '登录' }).click();
}

before(async () => {
  mkdirSync(artefacts, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'lgw-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  gateway = spawn(binary, ['serve', '--config', join(root, 'config', 'gateway.toml'), '--listen', `127.0.0.1:${port}`,
    '--data-dir', dataDir], { cwd: root, env: { ...process.env, OMP_THREAD_LIMIT: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  gateway.stderr.on('data', (d) => { log += d; });
  gateway.on('exit', (code) => { if (code) console.error(`gateway exited ${code}:\n${log.slice(-4000)}`); });
  await waitHealthy(base, 30000);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (gateway) {
    gateway.kill('SIGTERM');
    await new Promise((r) => (gateway.exitCode !== null ? r() : gateway.once('exit', r)));
  }
  if (dataDir && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
});

test('a page without a session goes to sign-in, and a wrong key says so', async (t) => {
  const { page, problems } = await newPage(t);
  await page.goto(`${base}/#/audit`);
  await page.waitForURL(/#\/signin$/);
  await page.getByLabel('API 密钥').fill('not-a-key');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByText('unknown_api_key').waitFor();
  assert.match(page.url(), /#\/signin$/);
  assert.deepEqual(problems, []);
});

test('the console is served with its security headers and the session cookie is out of reach of scripts', async (t) => {
  const { page, context } = await newPage(t);
  const resp = await page.goto(`${base}/`);
  const headers = resp.headers();
  assert.match(headers['content-security-policy'], /script-src 'self'/);
  assert.doesNotMatch(headers['content-security-policy'], /unsafe-inline/);
  assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['x-frame-options'], 'DENY');
  await signIn(page, 'demo-frontdesk');
  await page.waitForURL(/#\/frontdesk$/);
  const cookie = (await context.cookies()).find((c) => c.name === 'lgw_session');
  assert.ok(cookie, 'a session cookie is set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('lgw_session')), false);
  assert.equal(await page.evaluate(() => document.body.innerHTML.includes('demo-frontdesk') && !document.body.innerHTML.includes('api_key=')), true);
});

test('a state-changing request without the CSRF token is refused', async (t) => {
  const { page } = await newPage(t);
  await signIn(page, 'demo-frontdesk');
  await page.waitForURL(/#\/frontdesk$/);
  const result = await page.evaluate(async () => {
    const body = JSON.stringify({ customer_category: 'low_voltage_residential', customer_name: '测试', phone: '13800001111' });
    const without = await fetch('/v1/applications/YKCSRF', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body });
    const wrong = await fetch('/v1/applications/YKCSRF', { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'f'.repeat(64) }, body });
    const read = await fetch('/v1/applications/YKCSRF');
    return { without: [without.status, (await without.json()).code], wrong: [wrong.status, (await wrong.json()).code], read: read.status };
  });
  assert.deepEqual(result.without, [403, 'csrf_token_missing']);
  assert.deepEqual(result.wrong, [403, 'csrf_token_mismatch']);
  assert.equal(result.read, 404, 'nothing was written');
});

test('front desk: e-licences by SMS consent, a scan corrected, a package built, pushed and delivered', async (t) => {
  const { page, problems } = await newPage(t);
  await signIn(page, 'demo-frontdesk');
  await page.waitForURL(/#\/frontdesk$/);
  await page.getByText('已登录：demo-frontdesk（前台）').waitFor();

  // The application.
  const app = `YKE2E${Date.now() % 100000}`;
  await page.getByLabel('申请编号').fill(app);
  await page.getByLabel('客户类别').selectOption('low_voltage_residential');
  await page.getByLabel('客户名称').fill('测试客户');
  await page.getByLabel('联系电话').fill('13800001111');
  await page.getByRole('button', { name: '保存申请' }).click();
  await page.locator('#materials tr[data-material="identity_proof"] .chip.missing').waitFor();

  // The code is checked as it is typed, with the reason.
  const code = person();
  const codeInput = page.getByLabel('统一社会信用代码或身份证号');
  await codeInput.fill(code.slice(0, 10));
  await page.getByText('已输入 10/18 位').waitFor();
  const bad = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
  await codeInput.fill(bad);
  await page.locator('#elicence .hint.bad').waitFor();
  assert.equal(await codeInput.getAttribute('aria-invalid'), 'true');
  await codeInput.fill(code);
  await page.getByText('身份证号 校验通过').waitFor();

  // Consent: the licence types follow the code (a person has no business licence), one more
  // ticked by hand; send the code once, read it back (once wrong first).
  assert.equal(await page.getByLabel('营业执照').isChecked(), false);
  assert.equal(await page.getByLabel('营业执照').isDisabled(), true);
  assert.equal(await page.getByLabel('身份证', { exact: true }).isChecked(), true);
  await page.getByLabel('用电设施产权证明').waitFor();
  await page.getByLabel('不动产权证书').check();
  // The consent text, in full, to be read out before the code goes.
  await page.getByText('请向客户完整宣读以下授权内容').waitFor();
  await page.locator('#consent-text').getByText('仅调取一次', { exact: false }).waitFor();
  const consentResp = page.waitForResponse((r) => r.url().endsWith('/v1/consents') && r.request().method() === 'POST');
  await page.getByRole('button', { name: '发送验证码' }).click();
  const consent = await (await consentResp).json();
  assert.ok(consent.consent_id, JSON.stringify(consent));
  await page.getByText(consent.masked_phone).waitFor();
  await page.getByText('政务平台登记的手机号').waitFor();
  // Issue 24: a second click sent another SMS and skipped the wait; one send, then the countdown.
  assert.equal(await page.getByRole('button', { name: '发送验证码' }).isDisabled(), true);
  assert.equal(await page.locator('#consent-resend').isDisabled(), true);
  const right = smsCode(consent.consent_id);
  await page.getByLabel('短信验证码').fill(right === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: '确认授权并获取' }).click();
  await page.getByText('验证码不正确，还可尝试 4 次。').waitFor();
  await page.getByLabel('短信验证码').fill(right);
  await page.getByLabel('短信验证码').press('Enter');  // Enter verifies
  // The licences are sealed OFD files: the seal's verdict and the original to download, no picture.
  await page.locator('#elicence figure.licence .sealed').first().waitFor();
  await page.getByText('电子印章已验证（GB/T 38540）').first().waitFor();
  const ofdLink = page.locator('#elicence figure.licence a[download$=".ofd"]').first();
  const ofd = await page.request.get(new URL(await ofdLink.getAttribute('href'), page.url()).toString());
  assert.equal(ofd.status(), 200);
  assert.equal(ofd.headers()['content-type'], 'application/ofd');
  assert.equal((await ofd.body()).subarray(0, 2).toString(), 'PK', 'the sealed file as issued (a ZIP)');
  assert.equal(await page.getByRole('button', { name: '发送验证码' }).isDisabled(), false, 'the consent is done');
  assert.equal(await page.locator('#elicence figure.licence').count(), 2);
  await page.locator('#autofill').getByText(code).waitFor();
  // The watermarked copies load as images.
  await page.waitForFunction(() => [...document.querySelectorAll('#elicence figure.licence img')].every((i) => i.complete && i.naturalWidth > 0));

  // A paper scan: fields boxed on the page, listed with their status, one corrected and confirmed.
  await page.getByLabel('扫描件或照片').setInputFiles(join(root, 'tests', 'data', 'scans', '0-id_card_front.png'));
  await page.getByRole('button', { name: '上传并识别' }).click();
  await page.locator('#scan .scan-result').waitFor({ timeout: 60000 });
  await page.getByText('识别为 身份证（人像面）').waitFor();
  await page.waitForFunction(() => document.querySelector('#scan canvas.page').width > 100);
  await page.locator('#cross-check').waitFor();  // compared with the e-licence fetched above (another person)
  const nameInput = page.locator('#scan-name');
  await nameInput.fill('陈思思');
  await page.getByRole('button', { name: '确认更正' }).click();
  await page.getByText('已记录 1 处更正').waitFor();
  assert.equal(await page.locator('#scan tr[data-field="name"]').getAttribute('data-status'), 'ok');

  // Materials: identity and property present, the application form deferred; build, push, delivered.
  await page.getByRole('button', { name: '刷新清单' }).click();
  await page.locator('#materials tr[data-material="application_or_authorisation"] .chip.deferred').waitFor();
  await page.getByRole('button', { name: '生成材料包' }).click();
  await page.getByText(/材料包 PKG-.* 已生成/).waitFor();
  await page.getByRole('button', { name: '推送至营销系统' }).click();
  await page.locator('#package-status[data-status="delivered"]').waitFor({ timeout: 30000 });
  assert.deepEqual(problems, []);
});

test('auditor: find the front desk events, verify the chain, export it, and see an alert after a denied access', async (t) => {
  const { page, problems } = await newPage(t);
  await signIn(page, 'demo-auditor');
  await page.waitForURL(/#\/audit$/);
  // The front desk page is not for auditors: back to the audit page.
  await page.goto(`${base}/#/frontdesk`);
  await page.waitForURL(/#\/audit$/);

  await page.getByLabel('操作者').fill('demo-frontdesk');
  await page.getByLabel('操作', { exact: true }).fill('scan.correct');
  await page.getByRole('button', { name: '查询' }).click();
  await page.locator('#audit-results tr[data-action="scan.correct"]').first().waitFor();

  await page.getByLabel('操作', { exact: true }).fill('');
  await page.getByLabel('结果').selectOption('denied');
  await page.getByRole('button', { name: '查询' }).click();
  await page.locator('#audit-results tr[data-action="consent.verify"][data-outcome="denied"]').first().waitFor();

  await page.getByRole('button', { name: '校验哈希链' }).click();
  await page.locator('#audit-verdict[data-ok="true"]').waitFor();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 NDJSON' }).click();
  const file = join(artefacts, 'audit-export.ndjson');
  await (await download).saveAs(file);
  // As an auditor would: under the gateway's published key, not the one the file carries.
  const key = join(dataDir, 'keys', 'audit-signing.pem.pub');
  const verdict = JSON.parse(execFileSync(binary, ['audit', 'verify', file, '--public-key', key], { encoding: 'utf8' }));
  assert.equal(verdict.ok, true);
  assert.equal(verdict.status, 'verified');

  // A denied access (an auditor may not download a document's content) becomes an alert.
  const denied = await page.evaluate(async () => {
    const scans = await (await fetch('/v1/audit/events?action=scan.create&limit=1')).json();
    return (await fetch(`/v1/documents/${scans.events[0].target}`)).status;
  });
  assert.equal(denied, 403);
  await page.getByLabel('操作者').fill('');
  await page.getByLabel('结果').selectOption('');
  await page.getByRole('button', { name: '告警列表' }).click();
  await page.locator('#audit-results tr.alert[data-action="access.denied"]').first().waitFor();

  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL(/#\/signin$/);
  const after = await page.evaluate(async () => (await fetch('/v1/audit/verify')).status);
  assert.equal(after, 401, 'the session is gone after sign-out');
  assert.deepEqual(problems, []);
});

// Issue 24, point 8: "the audit page breaks at 1024 px (wider than the window, filters cut off);
// table headers wrap character by character even at 1366".
test('the audit page holds at 1024x768 and 1366x768: nothing wider than the window, headers on one line', async (t) => {
  for (const [width, height] of [[1024, 768], [1366, 768]]) {
    const { page, problems } = await newPage(t);
    await page.setViewportSize({ width, height });
    await signIn(page, 'demo-auditor');
    await page.waitForURL(/#\/audit$/);
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('#audit-results table.events tbody tr').first().waitFor();
    const layout = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
      table: document.querySelector('#audit-results').scrollWidth,
      card: document.querySelector('#audit-results').clientWidth,
      filtersCut: [...document.querySelectorAll('form[role="search"] input, form[role="search"] select, form[role="search"] button')]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((el) => el.name || el.textContent),
      wrappedHeaders: [...document.querySelectorAll('#audit-results th')]
        .filter((th) => th.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(th).lineHeight)).map((th) => th.textContent),
    }));
    await page.screenshot({ path: join(artefacts, `audit-${width}x${height}.png`), fullPage: true });
    assert.ok(layout.page <= layout.window, `${width}px: the page is ${layout.page}px wide`);
    assert.ok(layout.table <= layout.card, `${width}px: the events table needs ${layout.table}px of ${layout.card}px`);
    assert.deepEqual(layout.filtersCut, [], `${width}px: filters cut off`);
    assert.deepEqual(layout.wrappedHeaders, [], `${width}px: headers wrapped`);
    assert.deepEqual(problems, []);
  }
});

test('the English switch translates the console', async (t) => {
  const { page } = await newPage(t);
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Language' }).click();
  await page.getByLabel('API key').waitFor();
  await page.getByLabel('API key').fill('demo-auditor');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Verify the chain' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
});
