// Console entry: the session, the header, and the hash routes #/signin, #/frontdesk, #/audit.
import { api, setCsrf, whenSignedOut } from './api.js';
import { h, field, busy } from './dom.js';
import { t, translate, language, setLanguage } from './i18n.js';
import { frontdeskView } from './frontdesk.js';
import { auditView } from './audit.js';

let session = null;  // {principal: {id, role}, csrf_token, ...}
let expiredNotice = false;

const homeOf = (role) => (role === 'frontdesk' ? '#/frontdesk' : role === 'auditor' || role === 'admin' ? '#/audit' : '#/none');
const allowed = { '#/frontdesk': ['frontdesk'], '#/audit': ['auditor', 'admin'] };

function adopt(s) {
  session = s;
  setCsrf(s ? s.csrf_token : null);
  const who = document.getElementById('who');
  who.textContent = s ? t('who.as', { id: s.principal.id, role: t(`role.${s.principal.role}`) }) : '';
  document.getElementById('signout').hidden = !s;
  document.getElementById('nav').hidden = !s;
  if (s) {
    document.getElementById('nav-frontdesk').hidden = !allowed['#/frontdesk'].includes(s.principal.role);
    document.getElementById('nav-audit').hidden = !allowed['#/audit'].includes(s.principal.role);
  }
}

function signInView() {
  const key = h('input', { type: 'password', name: 'api_key', autocomplete: 'current-password', required: true });
  const out = h('p', { class: 'msg', role: 'alert' }, expiredNotice ? t('signin.expired') : '');
  const submit = h('button', { type: 'submit' }, t('signin.submit'));
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'signin-h' },
    h('h2', { id: 'signin-h' }, t('signin.title')),
    h('p', {}, t('signin.help')),
    field(t('signin.key'), key),
    submit, out);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, out, async () => {
      const s = await api('POST', '/v1/session', { api_key: key.value });
      key.value = '';
      expiredNotice = false;
      adopt(s);
      location.hash = homeOf(s.principal.role);
    });
  });
  setTimeout(() => key.focus(), 0);
  return form;
}

async function route() {
  const main = document.getElementById('main');
  let hash = location.hash || '#/';
  if (!session && hash !== '#/signin') {
    location.replace('#/signin');
    return;
  }
  if (session && (hash === '#/' || hash === '#/signin')) {
    location.replace(homeOf(session.principal.role));
    return;
  }
  let view;
  if (hash === '#/signin') view = signInView();
  else if (hash === '#/none') view = h('p', { class: 'card' }, t('signin.nope'));
  else if (allowed[hash] && !allowed[hash].includes(session.principal.role)) {
    location.replace(homeOf(session.principal.role));
    return;
  } else if (hash === '#/frontdesk') view = frontdeskView();
  else if (hash === '#/audit') view = auditView();
  else {
    location.replace(homeOf(session.principal.role));
    return;
  }
  main.replaceChildren(view);
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === hash) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function signedOut() {
  adopt(null);
  expiredNotice = true;
  if (location.hash !== '#/signin') location.hash = '#/signin';
  else route();
}

async function start() {
  setLanguage(language());
  translate();
  const langButton = document.getElementById('lang');
  langButton.textContent = language() === 'en' ? '中文' : 'English';
  langButton.addEventListener('click', () => {
    setLanguage(language() === 'en' ? 'zh-CN' : 'en');
    location.reload();
  });
  const signout = document.getElementById('signout');
  signout.addEventListener('click', async () => {
    try { await api('DELETE', '/v1/session'); } catch { /* gone already */ }
    adopt(null);
    expiredNotice = false;
    location.hash = '#/signin';
  });
  whenSignedOut(signedOut);
  try {
    adopt(await api('GET', '/v1/session'));
  } catch {
    adopt(null);
  }
  window.addEventListener('hashchange', route);
  route();
}

start();
