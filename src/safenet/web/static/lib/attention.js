// Getting a person's attention when something new arrives on a console: a short sound
// (the bundled sounds/alert.wav, never the network; mutable, remembered in this
// browser), a desktop notification while the tab is hidden (only once the user has
// allowed them), and the number of unacknowledged items in the tab's title and on its
// favicon, so a dispatcher working in another window still sees that something waits.
//
// The page says what is new (arrive) and what is still unacknowledged (unread); this
// module owns the sound, the notification, the title and the badge.
//
// For the browser tests the <audio id="alert-sound"> element counts what it was asked
// to do in data-requested / data-played / data-failed / data-muted (harmless in use).
import { h } from './dom.js';
import { onLang, t } from './i18n.js';

const MUTE_KEY = 'safenet.sound';
const MAX_NOTIFICATIONS = 3; // per batch: a burst of reads must not bury the screen

let titleKey = null;
let audio = null;
let unreadCount = 0;
let interacted = false;
let pending = false; // a sound the autoplay policy refused, played at the first interaction
let iconHref = null; // the page's own favicon, restored when nothing is unread
let soundButton = null;
let notifyButton = null;

export function muted() {
  try {
    return localStorage.getItem(MUTE_KEY) === 'off';
  } catch {
    return false;
  }
}

function setMuted(value) {
  try {
    if (value) localStorage.setItem(MUTE_KEY, 'off');
    else localStorage.removeItem(MUTE_KEY);
  } catch {
    // Private windows may refuse storage: the toggle then lasts until the page reloads.
  }
  if (audio) audio.dataset.state = value ? 'muted' : 'on';
  paintSound();
}

function bump(name) {
  if (audio) audio.dataset[name] = String(Number(audio.dataset[name] || 0) + 1);
}

// Plays the sound once; never throws (no audio device, a refused autoplay, a bad file).
export function playSound() {
  if (!audio) return;
  if (muted()) {
    bump('muted');
    return;
  }
  bump('requested');
  try {
    audio.currentTime = 0;
    const started = audio.play();
    if (started && typeof started.then === 'function') {
      started.then(() => bump('played'), () => {
        bump('failed');
        if (!interacted) pending = true;
      });
    } else {
      bump('played');
    }
  } catch {
    bump('failed');
    if (!interacted) pending = true;
  }
}

function firstInteraction() {
  if (interacted) return;
  interacted = true;
  if (pending && unreadCount > 0) playSound();
  pending = false;
}

function notificationsSupported() {
  return typeof window.Notification === 'function';
}

function permission() {
  return notificationsSupported() ? window.Notification.permission : 'unsupported';
}

// A desktop notification, only while the page is hidden and only when allowed.
function notify({ tag, title, body, onClick }) {
  if (!document.hidden || permission() !== 'granted') return;
  try {
    const note = new window.Notification(title, { body, tag, lang: document.documentElement.lang });
    note.onclick = () => {
      window.focus();
      if (onClick) onClick();
      note.close();
    };
  } catch {
    // Some mobile browsers allow notifications only from a service worker.
  }
}

// One new thing: its sound (when asked) and its notification. The texts are already
// in the chosen language.
export function arrive({ sound = false, tag, title, body, onClick }) {
  if (sound) playSound();
  notify({ tag, title, body, onClick });
}

// Several new things at once: one sound at most, a few notifications.
export function arriveMany(items) {
  if (items.some((item) => item.sound)) playSound();
  for (const item of items.slice(0, MAX_NOTIFICATIONS)) notify(item);
}

// How many items wait for the person (unacknowledged alerts, undecided candidates).
export function unread(count) {
  unreadCount = Math.max(0, Number(count) || 0);
  paintTitle();
  paintIcon();
}

function paintTitle() {
  if (!titleKey) return;
  const base = `${t(titleKey)} — safenet`;
  document.title = unreadCount ? `(${unreadCount}) ${base}` : base;
}

function iconLink() {
  let link = document.querySelector('link[rel="icon"]');
  if (!link) {
    link = h('link', { rel: 'icon' });
    document.head.append(link);
  }
  if (iconHref === null) iconHref = link.getAttribute('href') || '';
  return link;
}

// The favicon with the count on a round badge (a canvas drawn here: no file, no network).
function paintIcon() {
  const link = iconLink();
  link.dataset.badge = String(unreadCount);
  if (!unreadCount) {
    if (iconHref) link.setAttribute('href', iconHref);
    return;
  }
  try {
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 32;
    const g = canvas.getContext('2d');
    g.fillStyle = '#0b1220';
    g.fillRect(0, 0, 32, 32);
    g.fillStyle = '#ef4444';
    g.beginPath();
    g.moveTo(16, 4); g.lineTo(28, 16); g.lineTo(16, 28); g.lineTo(4, 16);
    g.closePath();
    g.fill();
    g.fillStyle = '#facc15';
    g.beginPath();
    g.arc(22, 10, 10, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = '#0b1220';
    g.font = 'bold 14px sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(unreadCount > 9 ? '9+' : String(unreadCount), 22, 11);
    link.setAttribute('href', canvas.toDataURL('image/png'));
  } catch {
    // No canvas: the count in the title is enough.
  }
}

function paintSound() {
  if (!soundButton) return;
  const off = muted();
  soundButton.textContent = t(off ? 'attn.sound_off' : 'attn.sound_on');
  soundButton.title = t(off ? 'attn.unmute' : 'attn.mute');
  soundButton.setAttribute('aria-pressed', off ? 'true' : 'false');
  soundButton.dataset.muted = off ? '1' : '0';
}

function paintNotify() {
  if (!notifyButton) return;
  const state = permission();
  notifyButton.hidden = state === 'unsupported';
  notifyButton.dataset.permission = state;
  notifyButton.disabled = state !== 'default';
  notifyButton.textContent = t(state === 'granted' ? 'attn.notify_on'
    : state === 'denied' ? 'attn.notify_blocked' : 'attn.notify_allow');
  notifyButton.title = t(state === 'denied' ? 'attn.notify_blocked_hint' : 'attn.notify_hint');
}

async function askPermission() {
  if (permission() !== 'default') return;
  try {
    await window.Notification.requestPermission();
  } catch {
    // An old browser with the callback form only: the button stays as it was.
  }
  paintNotify();
}

// The top bar's two controls (shell.js calls this whenever it draws the bar).
export function attentionControls() {
  soundButton = h('button', {
    type: 'button', class: 'attn-sound quiet', id: 'sound-toggle',
    onclick: () => setMuted(!muted()),
  });
  notifyButton = h('button', {
    type: 'button', class: 'attn-notify quiet', id: 'notify-allow',
    onclick: () => askPermission(),
  });
  paintSound();
  paintNotify();
  return [soundButton, notifyButton];
}

// Sets the page up: its title (a catalogue key), the sound file, the first-interaction
// hook the autoplay policy needs. Call once, after boot().
export function startAttention({ title, sound }) {
  titleKey = title;
  audio = h('audio', {
    id: 'alert-sound', preload: 'auto', src: sound, hidden: true,
    dataset: { requested: '0', played: '0', failed: '0', muted: '0', state: muted() ? 'muted' : 'on' },
  });
  document.body.append(audio);
  for (const name of ['pointerdown', 'keydown', 'touchstart']) {
    window.addEventListener(name, firstInteraction, { capture: true, passive: true });
  }
  onLang(() => { paintTitle(); paintSound(); paintNotify(); });
  paintTitle();
}
