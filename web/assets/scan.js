// Paper at the front desk: upload from the document camera (or a file), show the page as the
// gateway read it with every field boxed and coloured by status, let a person correct a field and
// confirm (PATCH /v1/scans/{id}/fields, audited with old and new value).
import { api } from './api.js';
import { h, field, busy, toast } from './dom.js';
import { t } from './i18n.js';

const HINTS = ['', 'business_licence', 'id_card_front', 'id_card_back', 'property_certificate'];
const COLOURS = { ok: '#1a7f37', corrected: '#9a6700', needs_review: '#cf222e' };

// The boxes are in the prepared page's coordinates: the upload scaled to ~300 DPI, deskewed, then
// turned upright (page.rotated_degrees clockwise). Draw the upload through the same transform.
function drawPage(canvas, img, page, fields, selected) {
  const quads = ((page.rotated_degrees || 0) / 90) % 4;
  const pw = page.width;
  const ph = page.height;
  const scale = (quads % 2 ? ph : pw) / img.naturalWidth;
  canvas.width = pw;
  canvas.height = ph;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, pw, ph);
  ctx.save();
  ctx.translate(pw / 2, ph / 2);
  ctx.rotate((quads * Math.PI) / 2);
  ctx.rotate(((page.deskew_degrees || 0) * Math.PI) / 180);
  ctx.scale(scale, scale);
  ctx.drawImage(img, -img.naturalWidth / 2, -img.naturalHeight / 2);
  ctx.restore();
  ctx.lineWidth = Math.max(3, pw / 400);
  ctx.font = `${Math.max(18, pw / 70)}px sans-serif`;
  for (const [name, f] of Object.entries(fields)) {
    const [x, y, w, bh] = f.box || [0, 0, 0, 0];
    if (!w || !bh) continue;
    ctx.strokeStyle = COLOURS[f.status] || '#555';
    ctx.setLineDash(name === selected ? [] : [12, 6]);
    ctx.lineWidth = name === selected ? Math.max(6, pw / 200) : Math.max(3, pw / 400);
    ctx.strokeRect(x - 4, y - 4, w + 8, bh + 8);
    ctx.fillStyle = COLOURS[f.status] || '#555';
    ctx.fillText(name, x, Math.max(16, y - 8));
  }
}

function resultView(scan, file) {
  const canvas = h('canvas', { class: 'page', role: 'img', 'aria-label': t('scan.type', { type: t(`type.${scan.doc_type}`), c: scan.doc_type_confidence }) });
  const img = new Image();
  const url = URL.createObjectURL(file);
  let selected = null;
  const redraw = () => img.complete && img.naturalWidth && drawPage(canvas, img, scan.page, scan.fields, selected);
  img.addEventListener('load', () => {
    redraw();
    URL.revokeObjectURL(url);  // the decoded image stays with `img`
  });
  img.src = url;

  const out = h('p', { class: 'msg', role: 'alert' });
  const inputs = {};
  const rows = Object.entries(scan.fields).map(([name, f]) => {
    const input = h('input', { name: `field-${name}`, value: f.value ?? '', autocomplete: 'off', dataset: { field: name } });
    inputs[name] = input;
    input.addEventListener('focus', () => { selected = name; redraw(); });
    input.addEventListener('input', () => input.classList.toggle('changed', input.value !== (f.value ?? '')));
    const note = [f.raw ? `raw: ${f.raw}` : '', f.note || ''].filter(Boolean).join(' · ');
    return h('tr', { dataset: { field: name, status: f.status } },
      h('th', { scope: 'row' }, h('label', { for: input.id = `scan-${name}` }, name)),
      h('td', {}, input, note ? h('div', { class: 'hint' }, note) : null),
      h('td', {}, h('span', { class: `chip ${f.status}` }, t(`status.${f.status}`)), ` ${Math.round(f.confidence * 100)}%`));
  });
  const confirm = h('button', { type: 'button', id: 'scan-confirm' }, t('scan.confirm'));
  confirm.addEventListener('click', () => busy(confirm, out, async () => {
    const changed = {};
    for (const [name, input] of Object.entries(inputs)) if (input.value !== (scan.fields[name].value ?? '')) changed[name] = input.value;
    if (!Object.keys(changed).length) {
      toast(t('scan.nochange'));
      return;
    }
    const r = await api('PATCH', `/v1/scans/${scan.document_id}/fields`, { fields: changed });
    for (const [name, v] of Object.entries(changed)) {
      scan.fields[name] = { ...scan.fields[name], value: v, status: 'ok' };
      inputs[name].classList.remove('changed');
      const row = inputs[name].closest('tr');
      row.dataset.status = 'ok';
      row.querySelector('.chip').className = 'chip ok';
      row.querySelector('.chip').textContent = t('status.ok');
    }
    redraw();
    toast(t('scan.corrected', { n: (r.changes || Object.keys(changed)).length }), 'good');
  }));

  const notes = [];
  notes.push(h('p', { class: 'doc-type' }, t('scan.type', { type: t(`type.${scan.doc_type}`), c: scan.doc_type_confidence })));
  if (scan.hint && scan.hint.contradicted) notes.push(h('p', { class: 'msg error' }, t('scan.contradicted')));
  if (scan.cross_check) {
    const mm = scan.cross_check.mismatches || [];
    notes.push(mm.length
      ? h('p', { class: 'msg error', id: 'cross-check' }, t('scan.mismatch', { fields: mm.map((m) => `${m.field}: ${m.scan} ≠ ${m.e_licence}`).join('; ') }))
      : h('p', { class: 'msg good', id: 'cross-check' }, t('scan.crossok')));
  }
  return h('div', { class: 'scan-result', dataset: { documentId: scan.document_id } },
    h('div', { class: 'page-wrap' }, canvas),
    h('div', {}, notes,
      h('table', { class: 'fields' },
        h('thead', {}, h('tr', {}, [t('scan.field'), t('scan.value'), t('scan.status')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows)),
      h('div', { class: 'actions' }, confirm), out));
}

export function scanPanel(currentApp, onStored) {
  const file = h('input', { type: 'file', name: 'scan', accept: 'image/jpeg,image/png,image/tiff', capture: 'environment' });
  const hint = h('select', { name: 'hint' }, HINTS.map((v) => h('option', { value: v }, v ? t(`type.${v}`) : t('scan.hintNone'))));
  const upload = h('button', { type: 'button', id: 'scan-upload' }, t('scan.upload'));
  const out = h('p', { class: 'msg', role: 'alert' });
  const result = h('div', {});
  upload.addEventListener('click', () => busy(upload, out, async () => {
    const app = currentApp();
    if (!app) throw new Error(t('app.none'));
    const f = file.files[0];
    if (!f) throw new Error(t('scan.file'));
    const q = new URLSearchParams({ application_id: app.application_id });
    if (hint.value) q.set('hint', hint.value);
    const scan = await api('POST', `/v1/scans?${q}`, f);
    result.replaceChildren(resultView(scan, f));
    onStored(scan);
  }));
  return h('section', { class: 'card', id: 'scan', 'aria-labelledby': 'scan-h' },
    h('h2', { id: 'scan-h' }, t('scan.title')),
    h('div', { class: 'grid' }, field(t('scan.file'), file), field(t('scan.hint'), hint)),
    h('div', { class: 'actions' }, upload), out, result);
}
