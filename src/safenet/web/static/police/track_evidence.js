// Evidence from a vehicle's track: a click on a hit of the line on the map opens a panel
// over the map with that hit's camera and time and the same request dialog as the hit's
// alert card (evidence.js), so an officer can ask from the route, not only from a card.
import { clear, h } from '../lib/dom.js';
import { onLang, t } from '../lib/i18n.js';
import { kst } from '../lib/time.js';
import { evidenceBlock } from './evidence.js';

let shown = null; // { point, entry, responder }
onLang(() => redrawTrackPoint());

function panel() {
  let box = document.getElementById('track-evidence');
  if (!box) {
    box = h('section', { id: 'track-evidence', class: 'track-evidence', 'aria-live': 'polite' });
    document.getElementById('legend').after(box);
  }
  return box;
}

// Show the panel for one hit of a track (point: a hit as the track API gives it).
export function showTrackPoint(point, entry, responder) {
  if (!point || !point.hit_id) return;
  shown = { point, entry: entry || {}, responder };
  redrawTrackPoint();
}

// Draw the panel again (after a language change, or when the entry's requests changed).
export function redrawTrackPoint(entryId) {
  if (!shown || (entryId && entryId !== shown.entry.entry_id)) return;
  const { point, entry, responder } = shown;
  const box = panel();
  clear(box);
  const card = { key: `track:${point.hit_key}`, hit: point, entryId: entry.entry_id, entry };
  box.append(
    h('div', { class: 'row track-evidence-head' },
      h('strong', {}, t('track.evidence_title', { plate: entry.plate || '' })),
      h('button', {
        type: 'button', class: 'link', dataset: { action: 'track-evidence-close' },
        onclick: () => { shown = null; clear(box); box.hidden = true; },
      }, t('track.evidence_close'))),
    h('p', { class: 'muted small' }, `${t('map.camera', { id: point.camera_id })} · ${kst(point.read_at)}`),
    evidenceBlock(card, responder));
  box.hidden = false;
}
