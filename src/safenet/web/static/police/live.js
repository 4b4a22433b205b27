// The police live console: every active wanted vehicle's track on the map over the offline
// street map, and alerts pushed over Server-Sent Events (a new hit is on screen within a
// second). Each vehicle has its own colour; choosing one in the legend fades the others and
// shows its reach area and the cameras it may pass next (the escape route), which are also
// on its latest card.
import { boot, setConnection, showSignIn } from '../lib/shell.js';
import { api } from '../lib/api.js';
import { hasRole } from '../lib/auth.js';
import { $, clear, h, toast } from '../lib/dom.js';
import { onLang, t } from '../lib/i18n.js';
import { EventStream } from '../lib/sse.js';
import { L, addDistricts, createMap, fitTo } from '../lib/map.js';
import { addBasemap } from '../lib/basemap.js';
import { arrive, attentionControls, startAttention, unread } from '../lib/attention.js';
import { flagCard, hitCard, tone } from './cards.js';
import { onEvidenceChange, refreshEvidence } from './evidence.js';
import { drawReach, setServiceNow, startTicking, tickAgo } from './route.js';
import { TRACK_COLOURS, drawTrack } from './tracks.js';
import { redrawTrackPoint, showTrackPoint } from './track_evidence.js';
import { kst, kstClock } from '../lib/time.js';
import { phoneLayout } from './phone.js';
import { siteName } from '../lib/sites.js';

// Who acknowledged and who dispatched (user id and rank + name), when, with what order.
const DONE_FIELDS = ['acknowledged_by', 'acknowledged_by_name', 'acknowledged_at', 'dispatched_by',
  'dispatched_by_name', 'dispatched_at', 'dispatch_note'];

const cards = new Map(); // hit_key or flag:<alert id> → card model
const seen = new Set(); // alert ids already applied
const elements = new Map(); // card key → <li>
const tracks = new Map(); // entry id → { group, numbers }
const trackTimers = new Map();
let map = null;
let districts = null;
let config = null;
let fitted = false;
let initializing = true; // the first load fits every track at once
const colours = new Map(); // entry id → its line colour
let responder = false;
let selected = null; // the vehicle chosen in the legend (others fade)
let reachGroup = null; // the focused vehicle's reach area and next cameras

function cardOf(key, init) {
  let card = cards.get(key);
  if (!card) {
    card = { key, ...init };
    cards.set(key, card);
  }
  return card;
}

// Applies one alert (from the stream or the recent list) to its card; idempotent.
function apply(alert, live) {
  if (!alert || alert.alert_id === undefined || seen.has(alert.alert_id)) return null;
  seen.add(alert.alert_id);
  const known = cards.size;
  const entryId = alert.entry_id || (alert.entry && alert.entry.entry_id);
  let card;
  if (alert.kind === 'flag') {
    card = cardOf(`flag:${alert.alert_id}`, { kind: 'flag', alertId: alert.alert_id, entryId });
    card.leg = alert.leg;
    card.createdAt = alert.created_at;
  } else if (alert.hit) {
    card = cardOf(alert.hit.hit_key, { kind: 'hit', alertId: alert.alert_id, entryId });
    if (alert.kind === 'hit') card.alertId = alert.alert_id;
    card.hit = { ...(card.hit || {}), ...alert.hit };
    if (alert.track) card.track = alert.track;
  } else {
    return null;
  }
  card.entry = alert.entry || card.entry;
  card.last = Math.max(card.last || 0, alert.alert_id);
  for (const name of DONE_FIELDS) {
    if (alert[name] !== undefined && alert[name] !== null && (alert.kind === 'hit' || alert.kind === 'flag')) {
      card[name] = alert[name];
    }
  }
  card.fresh = live;
  if (live) setTimeout(() => { card.fresh = false; render(card); }, 6000);
  if (live && card.kind === 'hit' && cards.size > known && tone(card) !== 'rejected') announce(card);
  if (entryId) scheduleTrack(entryId, live);
  return card;
}

// A hit new on this screen: the sound for an exact alert (red card), and a desktop
// notification in the chosen language while the tab is hidden.
function announce(card) {
  const hit = card.hit || {};
  const exact = tone(card) === 'exact';
  const plate = (card.entry && card.entry.plate) || hit.plate_read || '—';
  arrive({
    sound: exact,
    tag: card.key,
    title: t(exact ? 'attn.notify_exact' : 'attn.notify_candidate', { plate }),
    body: t('attn.notify_body', { place: hit.address || hit.camera_id || '—', time: kst(hit.read_at) }),
    onClick: () => { showCards(); focusCard(card.key); },
  });
}

// What still waits for a responder: hits nobody acknowledged (a candidate the center
// rejected needs no one, so it does not count).
function countUnread() {
  unread([...cards.values()].filter((c) => c.kind === 'hit' && !c.acknowledged_by && tone(c) !== 'rejected').length);
}

const handlers = {
  async onAck(card, error) {
    error.textContent = '';
    try {
      const view = await api(`/api/v1/alerts/${card.alertId}/acknowledge`, { method: 'POST' });
      Object.assign(card, pick(view));
      render(card);
      countUnread();
    } catch (exc) {
      error.textContent = exc.message || t('error.generic');
    }
  },
  async onDispatch(card, note, error) {
    error.textContent = '';
    try {
      const view = await api(`/api/v1/alerts/${card.alertId}/dispatch`, { method: 'POST', body: { note } });
      Object.assign(card, pick(view));
      render(card);
      countUnread();
    } catch (exc) {
      error.textContent = exc.message || t('error.generic');
    }
  },
  onLocate(card) {
    const hit = card.hit;
    if (hit && typeof hit.lat === 'number') map.setView([hit.lat, hit.lon], Math.max(map.getZoom(), 15));
    else if (card.leg) map.fitBounds([[card.leg.from.lat, card.leg.from.lon], [card.leg.to.lat, card.leg.to.lon]], { padding: [40, 40] });
  },
};

function pick(view) {
  const out = {};
  for (const name of DONE_FIELDS) {
    out[name] = view[name];
  }
  return out;
}

function numberOf(card) {
  const entry = tracks.get(card.entryId);
  return entry && entry.numbers ? entry.numbers.get(card.key) : undefined;
}

// The escape route rides on the vehicle's latest card only.
function routeOf(card) {
  const slot = tracks.get(card.entryId);
  if (!slot || !slot.route || !slot.track || card.kind !== 'hit') return null;
  const points = slot.track.points || [];
  const latest = points.length ? points[points.length - 1].hit_key : null;
  return latest === card.key ? slot.route : null;
}

function render(card) {
  card.number = numberOf(card);
  card.route = routeOf(card);
  const el = card.kind === 'flag' ? flagCard(card, handlers) : hitCard(card, handlers, responder);
  const old = elements.get(card.key);
  if (old) old.replaceWith(el);
  elements.set(card.key, el);
  return el;
}

// Newest activity first: an update brings its hit back to the top.
function order() {
  const list = $('#alert-list');
  const sorted = [...cards.values()].sort((a, b) => b.last - a.last);
  for (const card of sorted) {
    const el = elements.get(card.key) || render(card);
    list.append(el);
  }
  $('#alerts-empty').hidden = cards.size > 0;
  $('#alert-count').textContent = String([...cards.values()].filter((c) => c.kind === 'hit').length);
  countUnread();
}

function trackCount() {
  const n = [...tracks.values()].filter((s) => s.track && s.track.points.length).length;
  $('#track-count').textContent = n ? t('tracks.count', { n }) : '';
}

function renderAll() {
  trackCount();
  for (const card of cards.values()) render(card);
  clear($('#alert-list'));
  order();
}

function scheduleTrack(entryId, live = false) {
  const pending = trackTimers.get(entryId);
  clearTimeout(pending && pending.timer);
  const keepInView = live || Boolean(pending && pending.keepInView);
  trackTimers.set(entryId, {
    keepInView,
    timer: setTimeout(() => { trackTimers.delete(entryId); loadTrack(entryId, keepInView); }, 60),
  });
}

// Keeps a vehicle's newest hit on screen when it arrives, without moving the map
// while it is already in view (a dispatcher may be watching several vehicles).
function follow(slot) {
  const points = slot.track.points.filter((p) => typeof p.lat === 'number');
  if (!points.length) return;
  const latest = points[points.length - 1];
  if (!map.getBounds().pad(-0.08).contains([latest.lat, latest.lon])) fitTo(map, [slot.group], 15);
}

async function loadTrack(entryId, live = false) {
  let track;
  let route = null;
  try {
    const id = encodeURIComponent(entryId);
    [track, route] = await Promise.all([
      api(`/api/v1/tracks/${id}`),
      api(`/api/v1/tracks/${id}/route`).catch(() => null),
    ]);
  } catch {
    return;
  }
  if (route) setServiceNow(route.now);
  let slot = tracks.get(entryId);
  if (!slot) {
    slot = { group: L.featureGroup().addTo(map), numbers: new Map() };
    tracks.set(entryId, slot);
  }
  if (!colours.has(entryId)) colours.set(entryId, TRACK_COLOURS[colours.size % TRACK_COLOURS.length]);
  slot.track = track;
  slot.route = route;
  slot.numbers = drawTrack(slot.group, track, { onSelect: (key) => pointChosen(track, key), colour: colours.get(entryId) });
  if (live || !focused()) slot.lastLive = Date.now();
  showReach();
  fade();
  for (const card of cards.values()) if (card.entryId === entryId) render(card);
  order();
  trackCount();
  legend();
  if (initializing) return;
  if (!fitted && track.points.length) fitted = fitAll();
  else if (live) follow(slot);
}

function fitAll() {
  return fitTo(map, [...tracks.values()].map((s) => s.group), 14);
}

// The vehicle whose reach is on the map: the one chosen, else the one seen last.
function focused() {
  if (selected && tracks.has(selected)) return selected;
  let best = null;
  for (const [entryId, slot] of tracks) {
    if (slot.route && slot.route.reach && (!best || (slot.lastLive || 0) > (tracks.get(best).lastLive || 0))) best = entryId;
  }
  return best;
}

function showReach() {
  if (!reachGroup) return;
  const entryId = focused();
  const slot = entryId ? tracks.get(entryId) : null;
  drawReach(reachGroup, slot && slot.route, slot ? colours.get(entryId) : '#fff');
  const box = $('#map');
  if (box) box.dataset.reachEntry = entryId || '';
}

function elementsOf(layer) {
  const out = [];
  if (layer.getElement && layer.getElement()) out.push(layer.getElement());
  if (layer.getTooltip && layer.getTooltip() && layer.getTooltip().getElement()) out.push(layer.getTooltip().getElement());
  if (layer.eachLayer) layer.eachLayer((sub) => out.push(...elementsOf(sub)));
  return out;
}

// Choosing a vehicle fades the others' lines, marks and labels.
function fade() {
  for (const [entryId, slot] of tracks) {
    const faded = Boolean(selected) && entryId !== selected;
    for (const el of elementsOf(slot.group)) el.classList.toggle('faded', faded);
  }
  for (const item of document.querySelectorAll('.legend-item')) {
    item.setAttribute('aria-pressed', item.dataset.entryId === selected ? 'true' : 'false');
  }
}

function choose(entryId) {
  selected = selected === entryId ? null : entryId;
  fade();
  showReach();
  const slot = tracks.get(entryId);
  if (selected && slot) fitTo(map, [slot.group, reachGroup], 15);
}

// Which line is which vehicle: plate, hits, time of the latest hit; a click shows it.
function legend() {
  const box = $('#legend');
  clear(box);
  for (const [entryId, slot] of tracks) {
    const points = (slot.track && slot.track.points) || [];
    if (!points.length) continue;
    const latest = points[points.length - 1];
    box.append(h('button', {
      type: 'button', class: 'legend-item', dataset: { entryId },
      'aria-pressed': selected === entryId ? 'true' : 'false',
      onclick: () => choose(entryId),
    },
    h('span', { class: 'swatch', style: `background:${colours.get(entryId)}` }),
    h('span', { class: 'legend-plate', dataset: { value: 'plate' } }, slot.track.entry.plate),
    h('span', { class: 'muted' }, ` ${points.length} · ${kstClock(latest.read_at)}`)));
  }
}

// A hit clicked on a track: its card comes into view, and the track's evidence panel opens.
function pointChosen(track, hitKey) {
  focusCard(hitKey);
  showTrackPoint((track.points || []).find((p) => p.hit_key === hitKey), track.entry, responder);
}

// On a phone the cards sit behind their tab: a notification's click opens it.
function showCards() {
  const tab = document.getElementById('tab-alerts');
  if (tab && tab.offsetParent !== null && tab.getAttribute('aria-selected') !== 'true') tab.click();
}

function focusCard(hitKey) {
  const el = elements.get(hitKey);
  if (!el) return;
  el.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  el.classList.add('focused');
  setTimeout(() => el.classList.remove('focused'), 1500);
}

async function loadRecent() {
  const body = await api(`/api/v1/alerts?limit=${config.alert_history}`);
  for (const alert of [...body.alerts].reverse()) apply(alert, false);
  renderAll();
}

async function loadActiveEntries() {
  const body = await api('/api/v1/wanted?status=active&limit=500');
  if (!initializing) for (const entry of body.entries) if (!tracks.has(entry.entry_id)) scheduleTrack(entry.entry_id);
  return body.entries;
}

function onEvent(kind, data) {
  if (kind === 'hit' || kind === 'update' || kind === 'flag') {
    const card = apply(data, true);
    if (card) {
      render(card);
      order();
    }
  } else if (kind === 'hotlist') {
    toast(t('hotlist.changed', { v: data.version, a: data.added.length, r: data.removed.length }));
    for (const id of data.removed || []) {
      const slot = tracks.get(id);
      if (slot) {
        slot.group.remove();
        tracks.delete(id);
      }
    }
    loadActiveEntries().catch(() => {});
  } else if (kind === 'evidence') {
    for (const entryId of new Set([...cards.values()].map((c) => c.entryId))) refreshEvidence(entryId).catch(() => {});
  } else if (kind === 'link_alarm') {
    toast(t('alarm.toast', { site: siteName(data.site), what: t(`alarm.kind.${data.kind}`) }), 'error');
  } else if (kind === 'resync') {
    loadRecent().catch(() => {});
  }
}

async function main() {
  const ctx = await boot({ page: 'home', controls: attentionControls });
  if (!ctx) return;
  config = ctx.config;
  startAttention({ title: 'nav.live', sound: `${ctx.prefix}/static/sounds/alert.wav` });
  responder = hasRole('dispatcher', 'field_officer');
  map = createMap($('#map'), config);
  phoneLayout(map);
  reachGroup = L.featureGroup().addTo(map);
  // Streets from the road data, with no tile server (a configured tile URL still draws under them).
  addBasemap(map, { url: config.basemap || `${ctx.prefix}/basemap/index.json` })
    .then((basemap) => { window.safenetBasemap = basemap; });
  startTicking();
  const stream = new EventStream('/api/v1/alerts/stream', {
    onEvent,
    onState: (state) => {
      if (state === 'unauthorized') showSignIn(config, 'auth.refused');
      else setConnection(state);
    },
  });
  stream.start();
  onLang(() => { renderAll(); showReach(); tickAgo(); });
  onEvidenceChange((entryId) => {
    for (const card of cards.values()) if (card.entryId === entryId && card.kind === 'hit') render(card);
    redrawTrackPoint(entryId);
  });
  districts = await addDistricts(map, ctx.prefix);
  try {
    const [, entries] = await Promise.all([loadRecent(), loadActiveEntries()]);
    const wanted = new Set([...entries.map((e) => e.entry_id), ...[...cards.values()].map((c) => c.entryId)]);
    await Promise.all([...wanted].filter(Boolean).map((id) => loadTrack(id)));
  } catch (exc) {
    toast(exc.message || t('error.generic'), 'error');
  }
  initializing = false;
  fitted = fitAll();
  if (!fitted && districts) fitTo(map, [districts], 13);
  document.body.dataset.ready = '1';
}

main();
