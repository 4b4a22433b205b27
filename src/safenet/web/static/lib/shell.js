// Every console page's frame: settings, language, sign-in, and the top bar.
import { h, clear, val } from './dom.js';
import { applyI18n, initLang, lang, onLang, setLang, t } from './i18n.js';
import * as auth from './auth.js';
import { onUnauthorized } from './api.js';
import { kst } from './time.js';
import { setSites, siteLabel } from './sites.js';

let connState = null;
let signInReason = null;

const NAV = {
  police: [['home', 'nav.live'], ['wanted', 'nav.wanted']],
  center: [['home', 'nav.queue'], ['health', 'nav.health'], ['register', 'nav.register']],
};

// ``controls`` (optional) returns extra top-bar controls, drawn again with the bar.
export async function boot({ page, controls = null }) {
  const prefix = document.body.dataset.prefix || '/console';
  const config = await (await fetch(`${prefix}/config.json`, { cache: 'no-store' })).json();
  initLang(config.language);
  setSites(config.sites);
  const captured = auth.captureFragment();
  await auth.loadSession(config);
  renderTopbar(config, page, controls);
  applyI18n(document);
  onLang(() => {
    renderTopbar(config, page, controls);
    if (document.getElementById('signin')) showSignIn(config, signInReason);
  });
  onUnauthorized(() => showSignIn(config, 'auth.refused'));
  const who = auth.active();
  if (!who || auth.expired(who)) {
    showSignIn(config, (captured && captured.error) || (who ? 'auth.expired' : null));
    return null;
  }
  document.body.classList.add('signed-in');
  return { config, who, prefix };
}

function roleNames(identity) {
  return identity.roles.map((r) => t(`role.${r}`)).join(', ');
}

function renderTopbar(config, page, controls) {
  const named = NAV[config.side].find(([name]) => name === page);
  if (named) document.title = t('page.title', { page: t(named[1]) });
  const bar = document.getElementById('topbar');
  if (!bar) return;
  clear(bar);
  const nav = h('nav', { class: 'nav' }, NAV[config.side].map(([name, key]) => h('a', {
    href: config.pages[name],
    class: name === page ? 'current' : null,
    'aria-current': name === page ? 'page' : null,
    text: t(key),
  })));
  bar.append(
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◆'),
      h('span', { class: 'brand-name' }, t(`app.${config.side}`),
        config.site ? ' · ' : null, config.site ? siteLabel(config.site) : null)),
    nav,
    h('div', { class: 'topbar-right' },
      h('span', { id: 'conn', class: 'conn', hidden: true }),
      controls && auth.active() ? controls() : null,
      identityMenu(config),
      h('button', {
        type: 'button', class: 'lang-toggle', id: 'lang-toggle',
        onclick: () => setLang(lang() === 'ko' ? 'en' : 'ko'),
      }, t('lang.toggle'))),
  );
  if (connState) setConnection(connState);
}

function identityMenu(config) {
  const who = auth.active();
  if (!who) return null;
  const list = auth.identities();
  const error = h('p', { class: 'field-error', role: 'alert' });
  const input = h('textarea', {
    rows: 2, class: 'token-input', id: 'identity-token', 'aria-label': t('auth.paste'),
    placeholder: t('auth.paste'),
  });
  return h('details', { class: 'identity', id: 'identity' },
    h('summary', { title: t('auth.switch') },
      h('span', { class: 'who-name', id: 'who-name', dataset: { value: 'person' } }, who.name),
      h('span', { class: 'who-roles' }, roleNames(who))),
    h('div', { class: 'identity-panel' },
      h('h3', {}, t('auth.switch')),
      h('ul', { class: 'identity-list' }, list.map((i) => h('li', { class: i.sub === who.sub ? 'current' : null },
        h('div', {},
          h('strong', { dataset: { value: 'person' } }, i.name), ' (', val(i.sub, 'user'), ')',
          h('div', { class: 'muted' }, roleNames(i), ' · ', t('auth.sites'), ': ',
            i.sites.length ? i.sites.flatMap((s, n) => [n ? ', ' : null, siteLabel(s)]) : t('auth.allsites'),
            ' · ', t('auth.expires'), ' ', val(kst(i.exp), 'time'))),
        i.sub === who.sub ? h('span', { class: 'tag' }, t('auth.current'))
          : h('button', { type: 'button', onclick: () => { auth.use(i.sub); window.location.reload(); } }, t('auth.use')),
        h('button', {
          type: 'button', class: 'quiet',
          onclick: () => { auth.forget(i.sub); window.location.reload(); },
        }, t('auth.forget'))))),
      input,
      error,
      h('div', { class: 'row' },
        h('button', {
          type: 'button', class: 'primary', id: 'identity-add',
          onclick: () => {
            const result = auth.add(input.value);
            if (result.error) error.textContent = t(result.error);
            else window.location.reload();
          },
        }, t('auth.add')),
        h('button', {
          type: 'button', class: 'quiet',
          id: 'signout',
          onclick: async () => { await auth.endSession(); auth.signOut(); window.location.reload(); },
        }, t('auth.signout'))),
      h('p', { class: 'muted small' }, t('auth.command'), ' ', h('code', { dataset: { value: 'command' } }, config.token_command))));
}

export function showSignIn(config, reasonKey) {
  signInReason = reasonKey;
  document.body.classList.remove('signed-in');
  let box = document.getElementById('signin');
  if (box) box.remove();
  const error = h('p', { class: 'field-error', role: 'alert', id: 'signin-error' }, reasonKey ? t(reasonKey) : '');
  const field = (id, key, attrs) => h('label', { class: 'field', for: id },
    h('span', {}, t(key)), h('input', { id, name: id, required: true, ...attrs }));
  const passwordForm = h('form', { id: 'signin-password-step', class: 'signin-step' },
    field('signin-user', 'auth.user', { type: 'text', autocomplete: 'username', maxlength: 64 }),
    field('signin-password', 'auth.password', { type: 'password', autocomplete: 'current-password', maxlength: 200 }),
    h('button', { type: 'submit', class: 'primary big', id: 'signin-next' }, t('auth.next')));
  const enrol = h('div', { id: 'signin-enrol', class: 'signin-enrol', hidden: true });
  const codeForm = h('form', { id: 'signin-code-step', class: 'signin-step', hidden: true },
    h('p', {}, t('auth.code_lead')),
    enrol,
    field('signin-code', 'auth.code', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 20 }),
    h('button', { type: 'submit', class: 'primary big', id: 'signin-submit' }, t('auth.signin')));
  passwordForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const user = document.getElementById('signin-user').value.trim();
    const password = document.getElementById('signin-password').value;
    const result = await auth.passwordStep(user, password);
    if (result.error) { error.textContent = t(result.error); return; }
    clear(enrol);
    if (result.enrolment) {
      enrol.hidden = false;
      enrol.append(
        h('p', {}, t('auth.enrol')),
        h('img', { src: result.enrolment.qr, alt: t('auth.qr'), class: 'qr', id: 'signin-qr', width: 200, height: 200 }),
        h('p', { class: 'muted small' }, t('auth.enrol_uri'), ' ', h('code', { id: 'signin-uri' }, result.enrolment.uri)));
    }
    passwordForm.hidden = true;
    codeForm.hidden = false;
    document.getElementById('signin-code').focus();
  });
  codeForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const result = await auth.codeStep(document.getElementById('signin-code').value.trim());
    if (result.error) {
      error.textContent = t(result.error);
      if (result.error === 'auth.step_expired') { codeForm.hidden = true; passwordForm.hidden = false; }
      return;
    }
    window.location.reload();
  });
  const input = h('textarea', { id: 'signin-token', rows: 3, 'aria-label': t('auth.paste'), placeholder: t('auth.paste') });
  const tokenBox = h('details', { class: 'signin-token' },
    h('summary', {}, t('auth.token_instead')),
    h('p', { class: 'muted' }, t('auth.lead')),
    input,
    h('button', {
      type: 'button', id: 'signin-token-submit',
      onclick: () => {
        const result = auth.add(input.value);
        if (result.error) error.textContent = t(result.error);
        else window.location.reload();
      },
    }, t('auth.use_token')),
    h('p', { class: 'muted' }, t('auth.command')),
    h('pre', { dataset: { value: 'command' } }, config.token_command));
  box = h('section', { id: 'signin', class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('auth.title')),
    h('p', {}, t('auth.personal')),
    passwordForm,
    codeForm,
    error,
    tokenBox);
  document.body.append(box);
  document.getElementById('signin-user').focus();
}

export function setConnection(state) {
  connState = state;
  const el = document.getElementById('conn');
  if (!el) return;
  el.hidden = false;
  el.className = `conn conn-${state}`;
  el.dataset.state = state;
  el.textContent = t(state === 'open' ? 'conn.open' : state === 'connecting' ? 'conn.connecting' : 'conn.lost');
  el.title = el.textContent; // a phone shows the dot only
}
