// Calls to the service's /api/v1 as the signed-in officer or operator: the session
// cookie (with the CSRF token on state-changing calls) or a service account's token.
import { csrf, token } from './auth.js';
import { has, lang, t } from './i18n.js';

// An error body ({error, code, params, field, detail, details.problems}) as a sentence
// in the reader's language: the catalogue's err.<code> with its {params} filled in,
// field names by their form label. A code the catalogue lacks reads as the generic
// err.unknown — never the server's English, which stays on ApiError.detail for the
// log and for support (docs/api.md lists the codes).
export function errorText(body) {
  if (body && body.error === 'network' && !body.code) return t('error.network');
  return sentence(body && body.code, (body && body.params) || {}, body && body.field);
}

// One of several problems reported at once (details.problems[i]), in the same words.
export function problemText(problem) {
  return sentence(problem && problem.code, (problem && problem.params) || {}, problem && problem.field);
}

// A field name as its label: err.field.<name>, else the form's field.<name> (the last
// part of a dotted name first: vehicle.colour → field.colour), else a neutral word.
export function fieldLabel(name) {
  const text = String(name || '');
  const last = text.slice(text.lastIndexOf('.') + 1);
  for (const key of [`err.field.${text}`, `field.${last}`, `field.${text}`]) {
    if (text && has(key)) return t(key);
  }
  return t('err.field.unknown');
}

function sentence(code, params, field) {
  const key = `err.${code}`;
  if (!code || !has(key)) return t('err.unknown');
  const words = {};
  for (const [name, value] of Object.entries({ field, ...params })) words[name] = word(name, value);
  return t(key, words);
}

// A parameter as the reader should see it: labels for the vocabulary the server
// names by code (fields, roles, states, categories …), numbers in the reader's style.
function word(name, value) {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map((v) => word(name, v)).join(t('err.or'));
  if (typeof value === 'number') return value.toLocaleString(lang() === 'en' ? 'en-US' : 'ko-KR');
  const text = String(value);
  const vocabulary = {
    field: () => fieldLabel(text),
    roles: () => `role.${text}`,
    kinds: () => `err.kind.${text}`,
    action: () => `err.action.${text}`,
    state: () => `err.state.${text}`,
    status: () => `status.${text}`,
    category: () => `cat.${text}`,
    colour: () => `colour.${text}`,
    type: () => `body.${text}`,
  }[name];
  if (!vocabulary) return text;
  const found = vocabulary();
  if (name === 'field') return found;
  return has(found) ? t(found) : text;
}

export class ApiError extends Error {
  constructor(status, body) {
    // No message of its own: the getter below words it when it is read, so a
    // language switch rewords an error already on screen the next time it is shown.
    super();
    this.body = body || {};
    this.detail = (body && (body.detail || body.message)) || `HTTP ${status}`;
    this.status = status;
    this.code = body && body.error;
    this.key = body && body.code;
    this.field = body && body.field;
    const problems = body && body.details && body.details.problems;
    this.problems = Array.isArray(problems) ? problems
      : (this.field ? [{ field: this.field, code: this.key, params: body.params }] : []);
  }

  get message() {
    return errorText(this.body);
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
    throw new ApiError(0, { error: 'network', detail: exc.message });
  }
  if (response.status === 401) for (const fn of unauthorizedHandlers) fn();
  if (!response.ok) {
    let parsed = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = { code: `request.${response.status >= 500 ? 'internal' : 'invalid'}`, detail: `HTTP ${response.status}` };
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
