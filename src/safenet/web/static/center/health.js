// The center's cameras on a map, and its ingest health: reads per second, rejected reads
// by reason, outbox depth, link status and the hotlist version in force.
import { boot } from '../lib/shell.js';
import { api } from '../lib/api.js';
import { $, clear, esc, h, toast } from '../lib/dom.js';
import { has, onLang, t } from '../lib/i18n.js';
import { ago, kst } from '../lib/time.js';
import { L, addDistricts, createMap, fitTo } from '../lib/map.js';
import { siteLabel } from '../lib/sites.js';

let status = null;

function tile(key, value, extra, tone) {
  return h('div', { class: `stat${tone ? ` stat-${tone}` : ''}`, dataset: { stat: key } },
    h('span', { class: 'stat-label' }, t(key)),
    h('span', { class: 'stat-value' }, value),
    extra ? h('span', { class: 'stat-extra' }, extra) : null);
}

function render() {
  const box = $('#health');
  clear(box);
  if (!status) return;
  const s = status;
  const link = s.link || {};
  const linkTone = link.status === 'up' ? 'ok' : link.status === 'backlog' ? 'warn' : 'bad';
  const rejected = Object.entries(s.rejected_reads || {}).sort((a, b) => b[1] - a[1]);
  box.append(
    h('div', { class: 'stats' },
      tile('health.rate', Number(s.reads_per_second_1m || 0).toFixed(2)),
      tile('health.candidates', String(s.candidates_pending ?? 0), null, s.candidates_pending ? 'warn' : null),
      tile('health.outbox', String(link.outbox_depth ?? 0),
        link.oldest_waiting_s ? t('health.seconds', { n: Math.round(link.oldest_waiting_s) }) : null, link.outbox_depth ? 'warn' : null),
      tile('health.link', t(`health.link.${link.status || 'down'}`), t(`link.kind.${link.kind || 'other'}`), linkTone),
      tile('health.hotlist', t('health.hotlist_value', { v: s.hotlist.version, n: s.hotlist.entries }),
        s.hotlist.applied_at ? `${t('health.applied')} ${kst(s.hotlist.applied_at)}` : null),
      tile('health.queue', String(s.pipeline_queue ?? 0))),
    h('h2', { class: 'small-head', id: 'rejected-head' }, t('health.rejected')),
    h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'rejected-head' }, h('table', { class: 'rejected', id: 'rejected-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('health.reason')), h('th', { scope: 'col' }, t('health.count')))),
      h('tbody', {}, rejected.length
        ? rejected.map(([reason, n]) => h('tr', { dataset: { reason } },
          h('td', {}, has(`reject.${reason}`) ? t(`reject.${reason}`) : reason), h('td', { class: 'num' }, String(n))))
        : h('tr', {}, h('td', { colspan: 2, class: 'muted' }, t('health.rejected_none')))))),
    h('h2', { class: 'small-head' }, t('alarm.title')),
    h('ul', { class: 'alarms', id: 'link-alarms' }, (s.link_alarms || []).length
      ? s.link_alarms.map((a) => h('li', { class: 'alarm tone-bad', dataset: { kind: a.kind } },
        kst(a.at), ' · ', siteLabel(a.site), `: ${t(`alarm.kind.${a.kind}`)}`))
      : h('li', { class: 'muted' }, t('alarm.none'))),
    h('p', { class: 'muted small' },
      `${t('health.cameras', { n: s.cameras })} · ${t('health.retro')} ${s.retrospective_lookups_pending ?? 0} · `,
      `${t('health.heartbeat')} ${link.last_heartbeat_at ? ago(link.last_heartbeat_at) : '—'}`));
  $('#health-updated').textContent = `${t('health.updated')} ${kst(s.time)}`;
}

async function load() {
  try {
    status = await api('/api/v1/status');
  } catch (exc) {
    if (exc.status !== 401) toast(exc.message || t('error.generic'), 'error');
    return;
  }
  render();
}

async function drawCameras(map) {
  let body;
  try {
    body = await api('/api/v1/cameras?limit=200000');
  } catch {
    return null;
  }
  const labelled = body.features.length <= 60;
  const layer = L.geoJSON(body, {
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
      className: 'camera-dot', radius: 6, color: '#38bdf8', weight: 2, fillColor: '#0ea5e9', fillOpacity: 0.85,
    }),
    onEachFeature: (feature, layer) => {
      const p = feature.properties;
      // A few cameras get their id on the map; thousands would bury it. Leaflet takes a
      // tooltip string as HTML, so the registry's text is escaped.
      if (labelled) {
        layer.bindTooltip(`<span data-value="camera">${esc(p.camera_id)}</span>`, { permanent: true, direction: 'right', offset: [6, 0], className: 'camera-label' });
      } else {
        layer.bindTooltip(esc(`${t('map.camera', { id: p.camera_id })}${p.name ? ` · ${p.name}` : ''}${p.address ? ` · ${p.address}` : ''}`));
      }
    },
  }).addTo(map);
  return layer;
}

async function main() {
  const ctx = await boot({ page: 'health' });
  if (!ctx) return;
  const map = createMap($('#map'), ctx.config);
  onLang(render);
  const [districts, cameras] = await Promise.all([addDistricts(map, ctx.prefix), drawCameras(map)]);
  if (!fitTo(map, [cameras], 14)) fitTo(map, [districts], 13);
  await load();
  setInterval(load, Math.max(500, ctx.config.refresh_s * 1000));
  document.body.dataset.ready = '1';
}

main();
