// A wanted vehicle's track on the map: numbered hits with their times, the line between
// them, an arrow on each leg for the direction of travel, the impossible-journey mark,
// and the camera sites of the hits.
import { L } from '../lib/map.js';
import { esc } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { kst, kstClock } from '../lib/time.js';

function pointTone(point) {
  if (point.confirmation === 'rejected') return 'rejected';
  // The center's decision, as it reported it: an alert is red (tone "exact").
  if (point.decision === 'alert') return 'exact';
  return point.confirmation === 'confirmed' ? 'confirmed' : 'candidate';
}

function midpoint(a, b) {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

// Several hits at one camera would hide each other: fan them out a little.
function offsets(points) {
  const seen = new Map();
  return points.map((p) => {
    const key = `${p.lat.toFixed(5)},${p.lon.toFixed(5)}`;
    const n = seen.get(key) || 0;
    seen.set(key, n + 1);
    return n;
  });
}

// Each vehicle's line has its own colour (the markers' colour is the match level).
export const TRACK_COLOURS = ['#fb923c', '#22d3ee', '#a3e635', '#f472b6', '#facc15', '#818cf8', '#2dd4bf'];

export function drawTrack(group, track, { onSelect, colour = TRACK_COLOURS[0] } = {}) {
  group.clearLayers();
  const entry = track.entry || {};
  const points = (track.points || []).filter((p) => typeof p.lat === 'number' && typeof p.lon === 'number');
  const numbers = new Map();
  points.forEach((p, i) => numbers.set(p.hit_key, i + 1));

  for (const leg of track.legs || []) {
    const from = [leg.from.lat, leg.from.lon];
    const to = [leg.to.lat, leg.to.lon];
    const line = L.polyline([from, to], {
      className: leg.impossible ? 'track-leg impossible' : 'track-leg',
      color: leg.impossible ? '#ff4d4f' : colour,
      weight: 4,
      opacity: 0.9,
      dashArray: leg.impossible ? '8 8' : null,
    }).addTo(group);
    const mid = midpoint(from, to);
    if (leg.impossible) {
      line.bindTooltip(`${t('alert.flag')}`, { sticky: true });
      L.marker(mid, {
        icon: L.divIcon({
          className: 'impossible-mark',
          html: `<span data-impossible="1" title="${esc(t('alert.flag'))}">⚠ ${esc(t('map.impossible'))}</span>`,
          iconSize: null,
        }),
        interactive: false,
        keyboard: false,
      }).addTo(group);
    } else if (leg.bearing_deg !== null && leg.bearing_deg !== undefined && leg.distance_m > 0) {
      // ➤ points east; a bearing is measured clockwise from north.
      const angle = Number(leg.bearing_deg) - 90;
      L.marker(mid, {
        icon: L.divIcon({
          className: 'direction-arrow',
          html: `<span style="transform: rotate(${angle.toFixed(1)}deg)">➤</span>`,
          iconSize: [22, 22],
          iconAnchor: [11, 11],
        }),
        interactive: false,
        keyboard: false,
      }).addTo(group);
    }
  }

  const cameras = new Map();
  for (const p of points) if (!cameras.has(`${p.site}/${p.camera_id}`)) cameras.set(`${p.site}/${p.camera_id}`, p);
  for (const p of cameras.values()) {
    L.circleMarker([p.lat, p.lon], {
      className: 'camera-site', radius: 22, color: '#9fb3c8', weight: 2, dashArray: '3 5', fill: false, interactive: true,
    }).bindTooltip(esc(`${t('map.camera', { id: p.camera_id })} · ${p.address || ''}`), { direction: 'bottom' })
      .addTo(group);
  }

  const shift = offsets(points);
  points.forEach((p, i) => {
    const tone = pointTone(p);
    const number = i + 1;
    const latest = i === points.length - 1;
    const marker = L.marker([p.lat, p.lon], {
      icon: L.divIcon({
        className: 'hit-icon',
        html: `<span class="hit-marker tone-${tone}${latest ? ' latest' : ''}" data-hit-key="${esc(p.hit_key)}" data-number="${number}" data-entry-id="${esc(entry.entry_id)}">${number}</span>`,
        iconSize: [30, 30],
        iconAnchor: [15 - shift[i] * 14, 15 + shift[i] * 14],
      }),
      title: `#${number} ${kst(p.read_at)}`,
      riseOnHover: true,
      zIndexOffset: 1000 + i,
    }).addTo(group);
    marker.bindTooltip(
      `<span class="hit-time">${esc(kstClock(p.read_at))}</span>${latest ? ` <b class="plate-mini">${esc(entry.plate || '')}</b>` : ''}`,
      { permanent: true, direction: 'right', offset: [14 - shift[i] * 14, -shift[i] * 14], className: `hit-label tone-${tone}` },
    );
    if (onSelect) marker.on('click', () => onSelect(p.hit_key));
  });
  return numbers;
}
