// Who is signed in: a personal session (password, then the authenticator's code) kept
// by the service in an HttpOnly, SameSite=Strict cookie the page cannot read; or, for
// service accounts, bearer tokens kept in this tab's sessionStorage, never in a URL.
// State-changing calls made with the session echo the CSRF cookie in X-CSRF-Token.
//
// A console address may carry a token in its fragment (#token=…): the fragment is not
// sent to the server (so it stays out of access logs); we take it, keep it in
// sessionStorage and wipe it from the address bar. Several identities can be held at
// once, so that a registrar and an approver can share a screen; the server, not this
// page, enforces who may do what.
import { has } from './i18n.js';

const LIST_KEY = 'safenet.identities';
const ACTIVE_KEY = 'safenet.active';

export function decode(token) {
  const parts = String(token || '').trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof payload.sub !== 'string' || !Array.isArray(payload.roles)) return null;
    return {
      token: String(token).trim(),
      sub: payload.sub,
      name: payload.name || payload.sub,
      roles: payload.roles,
      sites: payload.sites || [],
      exp: payload.exp ? new Date(payload.exp * 1000) : null,
    };
  } catch {
    return null;
  }
}

export function expired(identity) {
  return Boolean(identity && identity.exp && identity.exp.getTime() <= Date.now());
}

function load() {
  try {
    const list = JSON.parse(sessionStorage.getItem(LIST_KEY) || '[]');
    return Array.isArray(list) ? list.map(decode).filter(Boolean) : [];
  } catch {
    return [];
  }
}

function save(list) {
  sessionStorage.setItem(LIST_KEY, JSON.stringify(list.map((i) => i.token)));
}

export function identities() {
  return load();
}

let sessionWho = null;
let csrfCookie = 'safenet_csrf';

// Asks the service who the session cookie belongs to (null when nobody is signed in).
export async function loadSession(config) {
  if (config && config.csrf_cookie) csrfCookie = config.csrf_cookie;
  sessionWho = null;
  // The session cookie is HttpOnly; its CSRF companion (readable) says one may exist.
  if (!csrf()) return null;
  try {
    const r = await fetch('/auth/me', { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (r.ok) {
      const me = await r.json();
      sessionWho = {
        token: null, session: true, sub: me.subject, name: me.display_name,
        roles: me.roles || [], sites: me.sites || [], exp: null,
      };
    }
  } catch {
    sessionWho = null;
  }
  return sessionWho;
}

export function session() {
  return sessionWho;
}

export function csrf() {
  const prefix = `${csrfCookie}=`;
  const found = document.cookie.split('; ').find((c) => c.startsWith(prefix));
  return found ? decodeURIComponent(found.slice(prefix.length)) : null;
}

export function active() {
  const list = load();
  const sub = sessionStorage.getItem(ACTIVE_KEY);
  const chosen = list.find((i) => i.sub === sub);
  return chosen || sessionWho || list[0] || null;
}

async function post(path, body) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  const token = csrf();
  if (token) headers['X-CSRF-Token'] = token;
  const r = await fetch(path, { method: 'POST', cache: 'no-store', headers, body: JSON.stringify(body || {}) });
  let parsed = null;
  try {
    parsed = r.status === 204 ? null : await r.json();
  } catch {
    parsed = null;
  }
  return { ok: r.ok, status: r.status, body: parsed };
}

// Step 1: user id and password. Answers { ok, enrolment } or { error } (an i18n key).
export async function passwordStep(userId, password) {
  const r = await post('/auth/login', { user_id: userId, password });
  if (r.ok) return { ok: true, enrolment: r.body && r.body.enrolment };
  return { error: signInError(r) };
}

// Step 2: the authenticator's 6-digit code or a recovery code.
export async function codeStep(code) {
  const r = await post('/auth/totp', { code });
  if (r.ok) return { ok: true, recovery: Boolean(r.body && r.body.used_recovery_code) };
  return { error: signInError(r) };
}

// The refusal's catalogue key, from the error code the server sends (docs/api.md);
// a sign-in that took too long sends the officer back to the password step.
function signInError(r) {
  const code = String((r.body && r.body.code) || '');
  if (r.status === 429) return 'auth.too_many';
  if (r.status === 422) return 'auth.fill';
  if (code === 'auth.step_expired' || code === 'auth.password_first') return 'auth.step_expired';
  if (code && has(`err.${code}`)) return `err.${code}`;
  return r.status === 401 ? 'auth.wrong' : 'auth.failed';
}

export async function endSession() {
  if (sessionWho) await post('/auth/logout');
  sessionWho = null;
}

export function token() {
  const who = active();
  return who ? who.token : null;
}

// Adds (or replaces, for the same subject) an identity and makes it the active one.
export function add(raw) {
  const identity = decode(raw);
  if (!identity) return { error: 'auth.invalid' };
  if (expired(identity)) return { error: 'auth.expired' };
  const list = load().filter((i) => i.sub !== identity.sub);
  list.push(identity);
  save(list);
  sessionStorage.setItem(ACTIVE_KEY, identity.sub);
  return { identity };
}

export function use(sub) {
  sessionStorage.setItem(ACTIVE_KEY, sub);
}

export function forget(sub) {
  save(load().filter((i) => i.sub !== sub));
  if (sessionStorage.getItem(ACTIVE_KEY) === sub) sessionStorage.removeItem(ACTIVE_KEY);
}

export function signOut() {
  sessionStorage.removeItem(LIST_KEY);
  sessionStorage.removeItem(ACTIVE_KEY);
}

// Takes "#token=…" from the address bar (then removes it) and signs that identity in.
export function captureFragment() {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const raw = params.get('token');
  if (!raw) return null;
  params.delete('token');
  const rest = params.toString();
  const clean = window.location.pathname + window.location.search + (rest ? `#${rest}` : '');
  window.history.replaceState(null, '', clean);
  return add(raw);
}

export function hasRole(...roles) {
  const who = active();
  if (!who) return false;
  return who.roles.includes('admin') || roles.some((r) => who.roles.includes(r));
}
