// Calls to the service's /api/v1 as the signed-in officer or operator: the session
// cookie (with the CSRF token on state-changing calls) or a service account's token.
import { csrf, token } from './auth.js';
import { t } from './i18n.js';

// Refusals by the sign-in and permission checks, in the reader's language (the
// server's own words stay on the error as .detail, for the log and for support).
const GUARD_WORDS = { forbidden: 'error.forbidden', rate_limited: 'error.rate_limited', too_large: 'error.too_large' };

export class ApiError extends Error {
  constructor(status, body) {
    const code = body && body.error;
    const detail = (body && body.message) || `HTTP ${status}`;
    super(GUARD_WORDS[code] ? t(GUARD_WORDS[code]) : detail);
    this.detail = detail;
    this.status = status;
    this.code = code;
    this.field = body && body.field;
    const problems = body && body.details && body.details.problems;
    this.problems = Array.isArray(problems) ? problems
      : (this.field ? [{ field: this.field, reason: this.message }] : []);
  }
}

const unauthorizedHandlers = new Set();

export function onUnauthorized(fn) {
  unauthorizedHandlers.add(fn);
}

function headers(extra = {}, method = 'GET') {
  const out = { Accept: 'application/json', ...extra };
  const bearer = token();
  if (bearer) out.Authorization = `Bearer ${bearer}`;
  else if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) {
    const sent = csrf();
    if (sent) out['X-CSRF-Token'] = sent;
  }
  return out;
}

async function send(path, { method = 'GET', body, signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      cache: 'no-store',
      headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }, method),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (exc) {
    if (exc.name === 'AbortError') throw exc;
    throw new ApiError(0, { error: 'network', message: exc.message });
  }
  if (response.status === 401) for (const fn of unauthorizedHandlers) fn();
  if (!response.ok) {
    let parsed = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = { message: `HTTP ${response.status}` };
    }
    throw new ApiError(response.status, parsed);
  }
  return response;
}

export async function api(path, options = {}) {
  const response = await send(path, options);
  if (response.status === 204) return null;
  return response.json();
}

// An image the API serves behind the token, as an object URL for an <img>.
export async function apiImage(path) {
  const response = await send(path);
  return URL.createObjectURL(await response.blob());
}

export { headers as authHeaders };
