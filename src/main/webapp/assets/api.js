// Fetch wrapper for the Host App API: JSON in/out, errors as ApiError {status, code, message, details}.
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.details = body && body.details;
    this.requestId = body && body.request_id;
  }
}

export const authEvents = new EventTarget();

export async function api(method, path, body, { raw = false, headers = {} } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined && body !== null) {
    if (typeof body === 'string' || body instanceof FormData || body instanceof Blob) init.body = body;
    else { init.body = JSON.stringify(body); init.headers['Content-Type'] = 'application/json'; }
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { code: 'network_error', message: 'The Host App cannot be reached: ' + e.message });
  }
  if (res.status === 401) authEvents.dispatchEvent(new Event('unauthorized'));
  if (!res.ok) {
    let b = null;
    try { b = await res.json(); } catch { b = null; }
    throw new ApiError(res.status, b);
  }
  if (raw) return res;
  const ct = res.headers.get('Content-Type') || '';
  if (res.status === 204) return null;
  return ct.includes('json') ? res.json() : res.text();
}

export const get = (p, o) => api('GET', p, undefined, o);
export const post = (p, b, o) => api('POST', p, b === undefined ? {} : b, o);
export const put = (p, b) => api('PUT', p, b);
export const patch = (p, b) => api('PATCH', p, b);
export const del = p => api('DELETE', p);
export const enc = encodeURIComponent;
