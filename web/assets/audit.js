// Audit: search the trail (every filter of GET /v1/audit/events, with paging), the alert list,
// verify the hash chain, and export a time range as the NDJSON that `licence-gateway audit verify`
// checks offline.
import { api } from './api.js';
import { h, field, busy, toast } from './dom.js';
import { t } from './i18n.js';

// datetime-local has no zone: send it with the browser's offset, as RFC 3339.
function rfc3339(local) {
  if (!local) return '';
  const d = new Date(local);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(off / 60)}:${pad(off % 60)}`;
}

function eventsTable(events) {
  if (!events.length) return h('p', { class: 'empty' }, t('audit.none'));
  const cols = ['seq', 'at', 'actor', 'role', 'action', 'target', 'app', 'outcome'];
  return h('table', { class: 'events' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(`col.${c}`))))),
    h('tbody', {}, events.map((e) => h('tr', { class: e.alert ? 'alert' : '', dataset: { seq: e.seq, action: e.action, outcome: e.outcome } },
      h('td', { class: 'mono' }, e.seq),
      h('td', {}, new Date(e.at).toLocaleString()),
      h('td', {}, e.actor), h('td', {}, e.role), h('td', { class: 'mono action' }, e.action),
      h('td', { class: 'mono id' }, e.target), h('td', {}, e.application_id),
      h('td', {}, h('span', { class: `chip ${e.outcome}` }, t(`out.${e.outcome}`)))))));
}

export function auditView() {
  const inputs = {
    actor: h('input', { name: 'actor', autocomplete: 'off' }),
    subject: h('input', { name: 'subject', autocomplete: 'off', class: 'mono' }),
    document: h('input', { name: 'document', autocomplete: 'off', class: 'mono' }),
    action: h('input', { name: 'action', autocomplete: 'off', list: 'audit-actions' }),
    outcome: h('select', { name: 'outcome' }, ['', 'allowed', 'denied', 'error'].map((o) => h('option', { value: o }, o ? t(`out.${o}`) : t('audit.any')))),
    from: h('input', { name: 'from', type: 'datetime-local', step: 1 }),
    to: h('input', { name: 'to', type: 'datetime-local', step: 1 }),
  };
  const actions = h('datalist', { id: 'audit-actions' },
    ['consent.create', 'consent.verify', 'licence.verify', 'licence.store', 'document.read', 'scan.create', 'scan.correct', 'package.build',
      'package.push', 'package.delivered', 'package.dead_letter', 'package.replay', 'access.denied', 'session.sign_in', 'session.sign_out']
      .map((a) => h('option', { value: a })));
  const out = h('p', { class: 'msg', role: 'alert' });
  const results = h('div', { class: 'table-wrap', id: 'audit-results', 'aria-live': 'polite' });
  const search = h('button', { type: 'submit', id: 'audit-search' }, t('audit.search'));
  const next = h('button', { type: 'button', class: 'secondary', id: 'audit-next', hidden: true }, t('audit.next'));
  const alerts = h('button', { type: 'button', class: 'secondary', id: 'audit-alerts' }, t('audit.alerts'));
  const verify = h('button', { type: 'button', class: 'secondary', id: 'audit-verify' }, t('audit.verify'));
  const exportBtn = h('button', { type: 'button', class: 'secondary', id: 'audit-export' }, t('audit.export'));
  const verdict = h('p', { id: 'audit-verdict', 'aria-live': 'polite' });
  let cursor = null;
  let lastQuery = null;

  const query = () => {
    const q = new URLSearchParams({ limit: '50' });
    for (const [k, el] of Object.entries(inputs)) {
      const v = k === 'from' || k === 'to' ? rfc3339(el.value) : el.value.trim();
      if (v) q.set(k, v);
    }
    return q;
  };
  const load = async (path, q, key, append) => {
    const r = await api('GET', `${path}?${q}`);
    const list = r[key];
    const table = eventsTable(list);
    if (append && results.querySelector('tbody') && list.length) results.querySelector('tbody').append(...table.querySelectorAll('tbody tr'));
    else results.replaceChildren(table);
    cursor = r.next_cursor;
    next.hidden = !cursor;
    lastQuery = { path, q, key };
  };
  const form = h('form', { class: 'grid', role: 'search' },
    field(t('audit.actor'), inputs.actor), field(t('audit.subject'), inputs.subject), field(t('audit.document'), inputs.document),
    field(t('audit.action'), inputs.action), field(t('audit.outcome'), inputs.outcome),
    field(t('audit.from'), inputs.from), field(t('audit.to'), inputs.to), actions,
    h('div', { class: 'actions' }, search, alerts));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(search, out, () => load('/v1/audit/events', query(), 'events', false));
  });
  alerts.addEventListener('click', () => busy(alerts, out, () => load('/v1/audit/alerts', query(), 'alerts', false)));
  next.addEventListener('click', () => busy(next, out, () => {
    const q = new URLSearchParams(lastQuery.q);
    q.set('cursor', cursor);
    return load(lastQuery.path, q, lastQuery.key, true);
  }));
  verify.addEventListener('click', () => busy(verify, out, async () => {
    const r = await api('GET', '/v1/audit/verify');
    verdict.textContent = r.ok ? t('audit.ok', { n: r.events, head: String(r.head).slice(0, 16) })
      : t('audit.bad', { seq: r.first_bad_seq ?? r.seq ?? '?', reason: r.reason || '' });
    verdict.className = r.ok ? 'msg good' : 'msg error';
    verdict.dataset.ok = String(r.ok);
  }));
  exportBtn.addEventListener('click', () => busy(exportBtn, out, async () => {
    const q = new URLSearchParams();
    if (inputs.from.value) q.set('from', rfc3339(inputs.from.value));
    if (inputs.to.value) q.set('to', rfc3339(inputs.to.value));
    const resp = await api('GET', `/v1/audit/export${q.size ? `?${q}` : ''}`, undefined, { raw: true });
    const blob = await resp.blob();
    const a = h('a', { href: URL.createObjectURL(blob), download: `audit-export-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.ndjson` });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    toast(t('audit.exported'), 'good');
  }));
  return h('div', { class: 'view' },
    h('section', { class: 'card', 'aria-labelledby': 'audit-h' }, h('h2', { id: 'audit-h' }, t('audit.title')), form, out,
      h('div', { class: 'actions' }, verify, exportBtn), verdict, results, next));
}
