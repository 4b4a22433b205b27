// Who is signed in: bearer tokens kept in this tab's sessionStorage, never in a URL.
//
// A console address may carry a token in its fragment (#token=…): the fragment is not
// sent to the server (so it stays out of access logs); we take it, keep it in
// sessionStorage and wipe it from the address bar. Several identities can be held at
// once, so that a registrar and an approver can share a screen; the server, not this
// page, enforces who may do what.

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

export function active() {
  const list = load();
  const sub = sessionStorage.getItem(ACTIVE_KEY);
  return list.find((i) => i.sub === sub) || list[0] || null;
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
