// A wanted vehicle's track on the map, in the vehicle's own colour: the drive between its
// hits along the roads (straight where there is no road data), an arrow on each leg that
// follows the road, the latest arrow pointing where the card says the vehicle is going,
// the impossible-journey mark, and the hits: one mark per camera (with a count when the
// vehicle passed it more than once), numbered for the latest LABELLED cameras only, the
// older ones small dots.
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

export const LABELLED = 5; // cameras of a track that carry a number and a time

// A bearing from north, clockwise, between two [lat, lon] points (for the arrows).
function bearing(a, b) {
  const rad = Math.PI / 180;
  const y = Math.sin((b[1] - a[1]) * rad) * Math.cos(b[0] * rad);
  const x = Math.cos(a[0] * rad) * Math.sin(b[0] * rad)
    - Math.sin(a[0] * rad) * Math.cos(b[0] * rad) * Math.cos((b[1] - a[1]) * rad);
  return ((Math.atan2(y, x) / rad) + 360) % 360;
}

// The leg's line: along the roads when the service measured it on them.
function legLine(leg) {
  const from = [leg.from.lat, leg.from.lon];
  const to = [leg.to.lat, leg.to.lon];
  const route = leg.route && leg.route.geometry && leg.route.geometry.coordinates;
  if (!route || !route.length) return [from, to];
  return [from, ...route.map(([lon, lat]) => [lat, lon]), to];
}

// Where along a line its middle is, and which way the line goes there.
function halfway(line) {
  let total = 0;
  const steps = [];
  for (let i = 1; i < line.length; i += 1) {
    const d = Math.hypot(line[i][0] - line[i - 1][0], (line[i][1] - line[i - 1][1]) * 0.79);
    steps.push(d);
    total += d;
  }
  let left = total / 2;
  for (let i = 0; i < steps.length; i += 1) {
    if (left <= steps[i] && steps[i] > 0) {
      const f = left / steps[i];
      const a = line[i];
      const b = line[i + 1];
      return { at: [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f], bearing: bearing(a, b) };
    }
    left -= steps[i];
  }
  return { at: midpoint(line[0], line[line.length - 1]), bearing: bearing(line[0], line[line.length - 1]) };
}

// ``ahead`` pixels: the latest arrow stands just in front of the latest hit's mark.
function arrow(at, deg, extra = '', ahead = 0) {
  // ➤ points east; a bearing is measured clockwise from north.
  const angle = Number(deg) - 90;
  const rad = (Number(deg) * Math.PI) / 180;
  return L.marker(at, {
    icon: L.divIcon({
      className: `direction-arrow${extra}`,
      html: `<span data-bearing="${Number(deg).toFixed(1)}" style="transform: rotate(${angle.toFixed(1)}deg)">➤</span>`,
      iconSize: [22, 22],
      iconAnchor: [11 - ahead * Math.sin(rad), 11 + ahead * Math.cos(rad)],
    }),
    interactive: false,
    keyboard: false,
  });
}

// The hits grouped by camera, in the order of each camera's latest hit.
function byCamera(points) {
  const groups = new Map();
  points.forEach((p, i) => {
    const key = `${p.site}/${p.camera_id}`;
    const group = groups.get(key) || { key, hits: [] };
    group.hits.push({ point: p, number: i + 1 });
    groups.delete(key); // re-insert: the Map keeps the latest visit last
    groups.set(key, group);
  });
  return [...groups.values()];
}

// Each vehicle's line has its own colour (the markers' colour is the match level).
export const TRACK_COLOURS = ['#fb923c', '#22d3ee', '#a3e635', '#f472b6', '#facc15', '#818cf8', '#2dd4bf'];

export function drawTrack(group, track, { onSelect, colour = TRACK_COLOURS[0] } = {}) {
  group.clearLayers();
  const entry = track.entry || {};
  const points = (track.points || []).filter((p) => typeof p.lat === 'number' && typeof p.lon === 'number');
  const numbers = new Map();
  points.forEach((p, i) => numbers.set(p.hit_key, i + 1));
  const legs = track.legs || [];

  legs.forEach((leg, i) => {
    const line = legLine(leg);
    const drawn = L.polyline(line, {
      className: leg.impossible ? 'track-leg impossible' : `track-leg${leg.route ? ' along-roads' : ''}`,
      color: leg.impossible ? '#ff4d4f' : colour,
      weight: 4,
      opacity: 0.9,
      dashArray: leg.impossible ? '8 8' : null,
    }).addTo(group);
    const mid = halfway(line);
    if (leg.impossible) {
      drawn.bindTooltip(`${t('alert.flag')}`, { sticky: true });
      L.marker(mid.at, {
        icon: L.divIcon({
          className: 'impossible-mark',
          html: `<span data-impossible="1" title="${esc(t('alert.flag'))}">⚠ ${esc(t('map.impossible'))}</span>`,
          iconSize: null,
        }),
        interactive: false,
        keyboard: false,
      }).addTo(group);
    } else if (leg.distance_m > 0 && leg.bearing_deg !== null && leg.bearing_deg !== undefined
      && i < legs.length - 1) {
      arrow(mid.at, leg.route ? mid.bearing : leg.bearing_deg).addTo(group);
    }
  });
  // The latest arrow says what the card says: the direction of travel at the latest hit.
  const direction = track.summary && track.summary.direction;
  if (direction && points.length) {
    const last = points[points.length - 1];
    arrow([last.lat, last.lon], direction.bearing_deg, ' latest-arrow', 30).addTo(group);
  }

  const cameras = byCamera(points);
  for (const camera of cameras) {
    const p = camera.hits[camera.hits.length - 1].point;
    L.circleMarker([p.lat, p.lon], {
      className: 'camera-site', radius: 22, color: '#9fb3c8', weight: 2, dashArray: '3 5', fill: false, interactive: true,
    }).bindTooltip(esc(`${t('map.camera', { id: p.camera_id })} · ${p.address || ''}`), { direction: 'bottom' })
      .addTo(group);
  }

  cameras.forEach((camera, c) => {
    const { point: p, number } = camera.hits[camera.hits.length - 1];
    const count = camera.hits.length;
    const tone = pointTone(p);
    const latest = number === points.length;
    const labelled = c >= cameras.length - LABELLED;
    const times = camera.hits.map((x) => `#${x.number} ${kst(x.point.read_at)}`).join('\n');
    const badge = count > 1 ? `<b class="hit-count">${esc(t('route.count', { n: count }))}</b>` : '';
    const marker = L.marker([p.lat, p.lon], {
      icon: L.divIcon({
        className: 'hit-icon',
        html: labelled
          ? `<span class="hit-marker tone-${tone}${latest ? ' latest' : ''}" style="--vehicle:${colour}" data-hit-key="${esc(p.hit_key)}" data-number="${number}" data-count="${count}" data-entry-id="${esc(entry.entry_id)}">${number}${badge}</span>`
          : `<span class="hit-dot tone-${tone}" style="background:${colour}" data-hit-key="${esc(p.hit_key)}" data-count="${count}" data-entry-id="${esc(entry.entry_id)}"></span>`,
        iconSize: labelled ? [30, 30] : [10, 10],
        iconAnchor: labelled ? [15, 15] : [5, 5],
      }),
      title: times,
      riseOnHover: true,
      zIndexOffset: 1000 + number,
    }).addTo(group);
    if (labelled) {
      marker.bindTooltip(
        `<span class="hit-time">${esc(kstClock(p.read_at))}</span>${latest ? ` <b class="plate-mini" data-value="plate">${esc(entry.plate || '')}</b>` : ''}`,
        { permanent: true, direction: 'right', offset: [14, 0], className: `hit-label tone-${tone}` },
      );
    }
    if (onSelect) marker.on('click', () => onSelect(p.hit_key));
  });
  return numbers;
}
