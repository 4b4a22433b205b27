// The center operator's confirmation queue, driven from the keyboard: the snapshot
// beside the wanted vehicle's description and the match explanation; C confirms,
// R rejects, Enter sends with the reason, J/K move between candidates.
import { boot } from '../lib/shell.js';
import { arriveMany, attentionControls, startAttention, unread } from '../lib/attention.js';
import { api, apiImage } from '../lib/api.js';
import { $, clear, h, toast, val } from '../lib/dom.js';
import { category, lang, level, onLang, t } from '../lib/i18n.js';
import { matchWords, vehicleLabel, vehicleNode } from '../lib/explain.js';
import { kst } from '../lib/time.js';
import { startHeadsUp } from './headsup.js';
import { assessmentBlock } from './assessment.js';
import { createSheet } from './sheet.js';

let config = null;
let candidates = [];
let selected = null; // hit id
let mode = null; // null | 'confirmed' | 'rejected'
let sending = false;
const cameras = new Map();
const snapshots = new Map(); // hit id → object URL | null
const recent = [];
let sheet = null; // the detail over the list on a phone (sheet.js)
let known = null; // hit ids already on this screen (null until the first load)

function current() {
  return candidates.find((c) => c.hit_id === selected) || null;
}

function select(hitId) {
  selected = hitId;
  mode = null;
  renderList();
  renderDetail();
}

// A tap (or Enter) on a candidate: on a phone its detail opens over the list.
function choose(hitId) {
  select(hitId);
  if (sheet.narrow()) sheet.show(() => listItem(selected) || $('#queue-title'));
  else if (listItem(selected)) listItem(selected).focus(); // the list was redrawn
}

function listItem(hitId) {
  if (!hitId) return null;
  return document.querySelector(`#queue-list [data-hit-id="${CSS.escape(hitId)}"]`);
}

function move(step) {
  if (!candidates.length) return;
  const index = Math.max(0, candidates.findIndex((c) => c.hit_id === selected));
  const next = Math.min(candidates.length - 1, Math.max(0, index + step));
  select(candidates[next].hit_id);
  const el = document.querySelector(`#queue-list [data-hit-id="${CSS.escape(selected)}"]`);
  if (el) el.scrollIntoView({ block: 'nearest' });
}

// New candidates since the last poll: one sound, a desktop notification each while the
// tab is hidden; the tab title counts every candidate still waiting for a decision.
function announce() {
  const fresh = known === null ? [] : candidates.filter((c) => !known.has(c.hit_id));
  known = new Set(candidates.map((c) => c.hit_id));
  arriveMany(fresh.map((c) => {
    const camera = cameras.get(c.camera_id) || {};
    return {
      sound: true,
      tag: c.hit_id,
      title: t('attn.notify_queue', { plate: c.plate_read }),
      body: t('attn.notify_body', { place: camera.name || c.camera_id, time: kst(c.read_at) }),
      onClick: () => select(c.hit_id),
    };
  }));
}

function renderList() {
  const list = $('#queue-list');
  clear(list);
  unread(candidates.length);
  $('#queue-count').textContent = String(candidates.length);
  $('#queue-empty').hidden = candidates.length > 0;
  for (const c of candidates) {
    list.append(h('li', {
      class: `queue-item${c.hit_id === selected ? ' selected' : ''}`,
      dataset: { hitId: c.hit_id },
      'aria-current': c.hit_id === selected ? 'true' : null,
      tabindex: 0,
      onclick: () => choose(c.hit_id),
      onkeydown: (event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        choose(c.hit_id);
      },
    },
    h('span', { class: 'plate small-plate', dataset: { value: 'plate' } }, c.plate_read),
    h('span', { class: 'badge badge-candidate' }, level(c.level)),
    h('span', { class: 'muted' }, `${kst(c.read_at).slice(11)} · `, val(c.camera_id, 'camera')),
    (c.read_count || 1) > 1 ? h('span', { class: 'badge read-count' }, `×${c.read_count}`) : null));
  }
}

function renderRecent() {
  const list = $('#recent-list');
  clear(list);
  $('#recent-head').hidden = recent.length === 0;
  for (const r of recent) {
    list.append(h('li', { class: `recent-item decided-${r.state}`, dataset: { hitId: r.hit_id, state: r.state } },
      h('span', { class: 'plate small-plate', dataset: { value: 'plate' } }, r.plate_read),
      h('span', {}, t(r.state === 'confirmed' ? 'alert.confirmed' : 'alert.rejected')),
      r.decision ? h('span', { class: 'decided-by', dataset: { role: 'decided-by', value: 'person' } },
        r.decision.by_name || r.decision.by) : null,
      h('span', { class: 'muted', dataset: { value: 'reason' } }, r.decision ? r.decision.reason : '')));
  }
}

async function snapshotFor(candidate, box) {
  if (!candidate.snapshot) {
    box.append(h('div', { class: 'no-snapshot' }, t('queue.no_snapshot'),
      candidate.snapshot_ref ? h('small', { dataset: { value: 'ref' } }, candidate.snapshot_ref) : null));
    return;
  }
  let url = snapshots.get(candidate.hit_id);
  if (url === undefined) {
    try {
      url = await apiImage(candidate.snapshot);
    } catch {
      url = null;
    }
    snapshots.set(candidate.hit_id, url);
  }
  if (url) box.append(h('img', { src: url, dataset: { value: 'photo' }, alt: `${t('alert.snapshot')} ${candidate.plate_read}`, class: 'snapshot' }));
  else box.append(h('div', { class: 'no-snapshot' }, t('queue.no_snapshot')));
}

function renderDetail() {
  const pane = $('#detail');
  const hadFocus = pane.contains(document.activeElement);
  clear(pane);
  const c = current();
  if (!c) {
    pane.append(h('p', { class: 'empty big-empty' }, t('queue.empty')));
    return;
  }
  const camera = cameras.get(c.camera_id) || {};
  const seen = vehicleLabel(c.vehicle_seen && c.vehicle_seen.described);
  // Worded from the structure; a hit kept without one shows its stored English only in English.
  const explanation = c.why ? matchWords(c.why) : lang() === 'en' ? c.explanation : t('why.unknown');
  const shot = h('div', { class: 'snapshot-box' });
  snapshotFor(c, shot);
  const reason = h('input', {
    type: 'text', id: 'decision-reason', class: 'reason-input', maxlength: 2000,
    'aria-label': t('queue.reason'), placeholder: t('queue.reason'),
  });
  const error = h('p', { class: 'action-error', role: 'alert', id: 'decision-error' });
  const decide = h('div', { class: `decision-bar${mode ? ` deciding deciding-${mode}` : ''}`, id: 'decision' },
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'confirm-button', dataset: { action: 'confirm' }, onclick: () => start('confirmed') }, t('queue.confirm')),
      h('button', { type: 'button', class: 'reject-button', dataset: { action: 'reject' }, onclick: () => start('rejected') }, t('queue.reject'))),
    mode ? h('div', { class: 'reason-row' },
      h('label', { for: 'decision-reason' }, t('queue.reason')),
      reason,
      h('button', { type: 'button', class: mode === 'confirmed' ? 'confirm-button' : 'reject-button', onclick: () => send(reason.value) },
        t(mode === 'confirmed' ? 'queue.send_confirm' : 'queue.send_reject'))) : null,
    error);
  pane.append(
    sheet.head(c.plate_read),
    h('div', { class: 'detail-body' }, h('div', { class: 'compare' },
      h('section', { class: 'compare-shot' }, shot,
        h('h2', { class: 'small-head' }, t('alert.explain')),
        h('p', { class: 'explanation', dataset: { kind: c.why ? c.why.kind : '' } }, explanation),
        c.why ? h('ul', { class: 'why-differences' }, ...(c.why.differences || []).map((d) =>
          h('li', { class: 'why-difference', dataset: { factor: d.factor, position: d.position ?? '' } },
            h('span', { class: 'plate small-plate' }, d.read_char || '∅'), ' → ',
            h('span', { class: 'plate small-plate' }, d.registered_char || '∅')))) : null),
      h('section', { class: 'compare-facts' },
        h('div', { class: 'fact-block wanted-block' },
          h('h2', {}, t('queue.wanted')),
          h('p', { class: 'plate huge', dataset: { value: 'plate' } }, c.wanted.plate || '—'),
          h('p', { class: 'fact', dataset: { role: 'wanted-vehicle' } }, vehicleNode(c.wanted.described)),
          h('p', { class: 'fact muted' }, category(c.wanted.category))),
        h('div', { class: 'fact-block read-block' },
          h('h2', {}, t('queue.read')),
          h('p', { class: 'plate huge read', dataset: { value: 'plate' } }, c.plate_read),
          h('p', { class: 'fact' },
            h('span', { class: 'badge badge-candidate' }, level(c.level)),
            ` ${t('score')} ${Number(c.score).toFixed(2)} · ${t('confidence')} ${Number(c.read_confidence).toFixed(2)}`),
          h('p', { class: 'fact', dataset: { role: 'seen-vehicle' } }, `${t('queue.seen')}: `, h('span', { class: 'seen' }, seen)),
          h('p', { class: 'fact muted' }, `${kst(c.read_at)} · ${t('queue.camera')} `, val(c.camera_id, 'camera'),
            camera.name ? [' ', val(camera.name, 'place')] : '',
            camera.address && camera.address !== camera.name ? [' · ', val(camera.address, 'address')] : ''),
          h('p', { class: 'fact muted' }, t(c.reported ? 'queue.reported' : 'queue.held'))))),
    assessmentBlock(c)),
    decide);
  if (mode) {
    reason.value = t(mode === 'confirmed' ? 'queue.reason_confirm' : 'queue.reason_reject');
    reason.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        send(reason.value);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation(); // Esc leaves the reason, not the sheet
        mode = null;
        renderDetail();
      }
    });
    reason.focus();
    reason.select();
  } else if (hadFocus && sheet.isOpen()) {
    sheet.focusInside();
  }
}

function start(next) {
  if (!current()) return;
  mode = next;
  renderDetail();
}

async function send(reason) {
  const c = current();
  if (!c || !mode || sending) return;
  const error = $('#decision-error');
  if (!reason.trim()) {
    error.textContent = t('err.field.required', { field: t('err.field.decision_reason') });
    return;
  }
  sending = true;
  const action = mode === 'confirmed' ? 'confirm' : 'reject';
  try {
    const result = await api(`/api/v1/candidates/${encodeURIComponent(c.hit_id)}/${action}`, {
      method: 'POST', body: { reason: reason.trim() },
    });
    toast(`${c.plate_read} — ${t(mode === 'confirmed' ? 'queue.done_confirm' : 'queue.done_reject')}`, 'ok');
    recent.unshift(result.hit);
    recent.splice(8);
    const index = candidates.findIndex((x) => x.hit_id === c.hit_id);
    candidates = candidates.filter((x) => x.hit_id !== c.hit_id);
    const next = candidates[Math.min(index, candidates.length - 1)];
    selected = next ? next.hit_id : null;
    mode = null;
    renderList();
    renderDetail();
    renderRecent();
    sheet.close(); // on a phone: back to the list, at the next candidate
  } catch (exc) {
    error.textContent = exc.message || t('error.generic');
  } finally {
    sending = false;
  }
}

let lastBody = '';

async function load() {
  if (mode || sending) return;
  let body;
  try {
    body = await api('/api/v1/candidates?limit=200');
  } catch (exc) {
    if (exc.status !== 401) toast(exc.message || t('error.generic'), 'error');
    return;
  }
  if (mode || sending) return;
  // Redraw only on a change, so the snapshot does not flicker at every poll.
  const text = JSON.stringify(body.candidates);
  if (text === lastBody) return;
  lastBody = text;
  candidates = body.candidates;
  announce();
  const vanished = !candidates.some((c) => c.hit_id === selected);
  if (vanished) selected = candidates.length ? candidates[0].hit_id : null;
  // The redraw replaces the list's items: a keyboard user's focus stays on the list.
  const active = document.activeElement;
  const listFocused = Boolean(active && active.closest && active.closest('.queue-item'));
  renderList();
  renderDetail();
  if (vanished && sheet.isOpen()) sheet.close(); // the candidate on the sheet was decided elsewhere
  else if (listFocused && listItem(selected)) listItem(selected).focus();
}

async function loadCameras() {
  try {
    const body = await api('/api/v1/cameras?limit=200000');
    for (const f of body.features) cameras.set(f.properties.camera_id, f.properties);
  } catch {
    // The queue works without camera names.
  }
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement && document.activeElement.tagName);
  if (typing) return;
  const key = event.key.toLowerCase();
  if (key === 'j' || key === 'arrowdown') move(1);
  else if (key === 'k' || key === 'arrowup') move(-1);
  else if (key === 'c') start('confirmed');
  else if (key === 'r') start('rejected');
  else if (key === '?') toast(t('queue.help'));
  else if (key === 'escape' && mode) { mode = null; renderDetail(); }
  else if (key === 'escape' && sheet.isOpen()) sheet.close();
  else return;
  event.preventDefault();
}

async function main() {
  const ctx = await boot({ page: 'home', controls: attentionControls });
  if (!ctx) return;
  config = ctx.config;
  sheet = createSheet({ pane: $('#detail'), behind: [$('#topbar'), $('.queue-pane')] });
  startAttention({ title: 'nav.queue', sound: `${ctx.prefix}/static/sounds/alert.wav` });
  document.addEventListener('keydown', onKey);
  onLang(() => { renderList(); renderDetail(); renderRecent(); });
  await loadCameras();
  await load();
  setInterval(load, Math.max(500, config.refresh_s * 1000));
  startHeadsUp(config.refresh_s);
  document.body.dataset.ready = '1';
}

main();
