// The escape route of a wanted vehicle (GET /api/v1/tracks/{id}/route): where it can be
// within each horizon (the reach area, widest first), the cameras it may pass next as
// a ranked list on the card and numbered rings on the map, the direction of travel with
// what it came from, and "n분 전" since each hit, ticking on the service's clock.
import { L } from '../lib/map.js';
import { esc, h, val } from '../lib/dom.js';
import { siteLabel } from '../lib/sites.js';
import { compass, t } from '../lib/i18n.js';
import { noticeNodes, reasonHtml, reasonNodes } from '../lib/route_words.js';
import { ago, kstClock } from '../lib/time.js';

const AREA_STYLE = {
  2: { color: '#f97316', fillOpacity: 0.22 },
  5: { color: '#facc15', fillOpacity: 0.14 },
  10: { color: '#38bdf8', fillOpacity: 0.08 },
};

let clockOffset = 0; // the service's clock minus this browser's (the demo runs on a simulated clock)

export function setServiceNow(iso) {
  const at = Date.parse(iso || '');
  if (!Number.isNaN(at)) clockOffset = at - Date.now();
}

export function serviceNow() {
  return Date.now() + clockOffset;
}

// Every "n분 전" on the page, refreshed once a second.
export function tickAgo(root = document) {
  const now = serviceNow();
  for (const el of root.querySelectorAll('[data-ago]')) {
    const text = ago(el.dataset.ago, now);
    if (el.textContent !== text) el.textContent = text;
  }
}

let ticking = null;
export function startTicking() {
  if (!ticking) ticking = setInterval(() => tickAgo(), 1000);
}

export function agoLabel(iso) {
  return h('span', { class: 'ago', dataset: { ago: iso || '' } }, iso ? ago(iso, serviceNow()) : '');
}

// Where the direction on the card comes from, in words an officer reads.
export function directionSource(direction) {
  if (!direction) return '';
  if (direction.source === 'road') return t('route.dir_road');
  if (direction.source === 'hits') return t('route.dir_hits');
  if (direction.plate_side === 'rear') return t('route.dir_camera_rear');
  if (direction.plate_side === 'front') return t('route.dir_camera_front');
  return t('route.dir_camera_unknown');
}

function areaStyle(horizon) {
  const style = AREA_STYLE[horizon] || { color: '#a78bfa', fillOpacity: 0.1 };
  return { ...style, weight: 1.5, opacity: 0.9, fillColor: style.color, className: 'reach-area' };
}

// The reach areas and the ranked cameras of one vehicle on the map.
export function drawReach(group, route, colour) {
  group.clearLayers();
  const reach = route && route.reach;
  if (!reach) return;
  const origin = reach.origin.join(',');
  for (const feature of (reach.areas && reach.areas.features) || []) {
    const horizon = feature.properties.horizon_min;
    const layer = L.geoJSON(feature, { interactive: false, style: () => areaStyle(horizon) });
    layer.eachLayer((sub) => {
      sub.on('add', () => {
        const el = sub.getElement();
        if (el) {
          el.dataset.horizon = String(horizon);
          el.dataset.origin = origin;
          el.dataset.basis = feature.properties.basis;
        }
      });
    });
    layer.addTo(group);
  }
  for (const camera of reach.cameras || []) {
    const [lon, lat] = camera.position;
    L.marker([lat, lon], {
      icon: L.divIcon({
        className: 'reach-camera-icon',
        html: `<span class="reach-camera" style="border-color:${colour}" data-camera-id="${esc(camera.camera_id)}" data-rank="${camera.rank}">${camera.rank}</span>`,
        iconSize: [22, 22],
        iconAnchor: [11, 11],
      }),
      keyboard: false,
      zIndexOffset: 500,
    }).bindTooltip(`${esc(t('map.camera', { id: camera.camera_id }))} · ${reasonHtml(camera)}`, { direction: 'top' })
      .addTo(group);
  }
}

function windowText(camera) {
  if (!camera.earliest) return t('route.beyond');
  return `${kstClock(camera.earliest)}–${kstClock(camera.latest)}`;
}

// The escape route on the vehicle's latest card: direction and its source, the notice
// when there is no road data, and the cameras to watch, best first.
export function routePanel(route) {
  const reach = route.reach || {};
  const direction = route.direction;
  const cameras = reach.cameras || [];
  const notice = reach.notice_ko || reach.notice_word ? noticeNodes(reach) : [];
  return h('section', { class: 'route-panel', dataset: { entryId: route.entry_id, basis: reach.basis || '' } },
    h('p', { class: 'route-direction', dataset: { bearing: direction ? String(direction.bearing_deg) : '', source: direction ? direction.source : '' } },
      h('strong', {}, `${t('alert.heading')} `),
      direction ? h('span', { class: 'route-compass' }, compass(direction.bearing_deg)) : '—',
      direction ? h('span', { class: 'muted' }, ` · ${directionSource(direction)}`) : null),
    notice.length ? h('p', { class: 'route-notice', role: 'note' }, ...notice) : null,
    h('p', { class: 'route-title' }, h('strong', {}, t('route.next')),
      h('span', { class: 'muted' }, ` · ${t('route.horizons', { list: (route.horizons_min || []).join('·') })}`)),
    ['transitions', 'roads'].includes(reach.model)
      ? h('p', { class: 'route-model muted', dataset: { model: reach.model } },
        t(reach.model === 'transitions' ? 'route.model_learned' : 'route.model_roads'))
      : null,
    cameras.length
      ? h('ol', { class: 'reach-list' }, ...cameras.map((c) => h('li', {
        class: `reach-item${c.ahead === false ? ' turn-back' : ''}`,
        dataset: { cameraId: c.camera_id, rank: String(c.rank) },
      },
      h('span', { class: 'reach-rank' }, String(c.rank)),
      h('span', { class: 'reach-camera-name' }, c.site ? siteLabel(c.site) : null, c.site ? ' / ' : null, val(c.camera_id, 'camera')),
      h('span', { class: 'reach-window' }, ` ${windowText(c)}`),
      h('span', { class: 'reach-reason muted' }, ...reasonNodes(c)))))
      : h('p', { class: 'muted' }, t('route.none')));
}
