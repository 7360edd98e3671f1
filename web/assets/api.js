// The console speaks only the public API (API.md) with the session cookie; state-changing requests
// carry the CSRF token that GET/POST /v1/session returned. A 401 ends the session in the page.
let csrf = null;
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || '';
    this.problem = problem;
  }
}

export function setCsrf(token) { csrf = token; }
export function whenSignedOut(fn) { onSignedOut = fn; }

/**
 * One API call. `body` may be an object (sent as JSON), a Blob/File (sent as its own type) or
 * undefined. Resolves to the parsed JSON (or the Response when `raw`), rejects with ApiError.
 */
export async function api(method, path, body, { raw = false, contentType } = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = contentType || body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const resp = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  if (raw && resp.ok) return resp;
  const text = await resp.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch { data = { detail: text }; }
  if (!resp.ok) {
    const err = new ApiError(resp.status, data);
    // The session ended (idle, too old, signed out elsewhere): back to sign-in. Other 401s (a wrong
    // SMS code, a wrong key at the sign-in form) belong to the form that asked.
    const sessionGone = ['session_expired', 'missing_credentials', 'unknown_api_key'].includes(err.code);
    if (resp.status === 401 && sessionGone && path !== '/v1/session') onSignedOut(err);
    throw err;
  }
  return data;
}
