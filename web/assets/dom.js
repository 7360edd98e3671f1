// A small element builder: no framework, no build step, no inline handlers (the CSP forbids them).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let fieldSeq = 0;
/** A labelled control: <label for> bound to the input, with an optional live hint under it. */
export function field(label, input, hint) {
  if (!input.id) input.id = `f${++fieldSeq}`;
  const parts = [h('label', { for: input.id }, label), input];
  if (hint) {
    hint.id = `${input.id}-hint`;
    input.setAttribute('aria-describedby', hint.id);
    parts.push(hint);
  }
  return h('div', { class: 'field' }, parts);
}

export function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = `show ${kind}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.className = ''; }, 6000);
}

/** Runs an async action with the button disabled and errors shown in `out` (role=alert). */
export async function busy(button, out, fn) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (out) { out.textContent = ''; out.className = 'msg'; }
  try {
    return await fn();
  } catch (e) {
    if (out) {
      out.textContent = e.message + (e.code ? ` (${e.code})` : '');
      out.className = 'msg error';
    }
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
