// Heads-ups from the police on the operator's screen: a wanted vehicle may pass these
// cameras of ours next, in these windows, so watch their views. Each one disappears by
// itself when the police's horizon has passed (the service drops it; this page polls).
import { api } from '../lib/api.js';
import { $, clear, h, val } from '../lib/dom.js';
import { compass, lang, onLang, t } from '../lib/i18n.js';
import { ago, kstClock } from '../lib/time.js';
import { vehicleLabel } from '../lib/explain.js';
import { siteName } from '../lib/sites.js';
import { reasonNodes } from '../lib/route_words.js';

let items = [];

function camera(c) {
  const window = c.earliest ? `${kstClock(c.earliest)}–${kstClock(c.latest)}` : '';
  return h('li', { class: 'reach-item headsup-camera', dataset: { cameraId: c.camera_id, rank: String(c.rank) } },
    h('span', { class: 'reach-rank' }, String(c.rank)),
    h('span', { class: 'reach-camera-name', dataset: { value: 'camera' } }, c.camera_id),
    h('span', { class: 'reach-window' }, ` ${window}`),
    h('span', { class: 'reach-reason muted' }, ...reasonNodes(c)));
}

// The wanted vehicle in the vocabulary's words (this center's hotlist); the police's
// own text only in English, when the hotlist has no description.
function vehicleText(item) {
  const d = item.described || {};
  if (d.colour || d.type || d.make || d.model) return vehicleLabel(d);
  return lang() === 'en' ? item.vehicle : '';
}

function render() {
  const box = $('#headsup');
  if (!box) return;
  clear(box);
  box.hidden = items.length === 0;
  if (!items.length) return;
  box.append(h('h2', { class: 'small-head' }, t('headsup.title'), h('span', { class: 'count' }, String(items.length))));
  for (const item of items) {
    const heading = item.direction_deg === null || item.direction_deg === undefined ? null : compass(item.direction_deg);
    box.append(h('article', { class: 'headsup-card', dataset: { headsUpId: item.heads_up_id, entryId: item.entry_id } },
      h('p', { class: 'headsup-top' },
        h('span', { class: 'plate small-plate', dataset: { value: 'plate' } }, item.plate),
        vehicleText(item) ? h('span', { class: 'muted', dataset: { role: 'headsup-vehicle' } }, ` ${vehicleText(item)}`) : null),
      h('p', { class: 'muted' }, t('headsup.last_seen', {
        site: siteName(item.last_site), at: kstClock(item.last_seen_at), ago: ago(item.last_seen_at),
      }), heading ? ` · ${t('alert.heading')} ${heading}` : ''),
      h('p', { class: 'headsup-lead' }, t('headsup.watch')),
      h('ol', { class: 'reach-list' }, ...item.cameras.map(camera)),
      h('p', { class: 'muted headsup-expires' }, t('headsup.expires', { at: kstClock(item.expires_at) }))));
  }
}

async function load() {
  try {
    const body = await api('/api/v1/heads-up');
    items = body.heads_up || [];
  } catch {
    return; // the queue page reports sign-in and connection problems itself
  }
  render();
}

export function startHeadsUp(refreshS = 2) {
  onLang(render);
  load();
  setInterval(load, Math.max(1000, refreshS * 1000));
}
