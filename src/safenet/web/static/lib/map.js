// The consoles' map: Leaflet from its npm package, optional tiles, district outlines.
// With no tile URL configured the map is a plain dark canvas that still shows the
// districts, cameras and tracks (the police network may have no map service).
import * as L from '../../vendor/leaflet/leaflet-src.esm.js';
import { esc } from './dom.js';
import { onLang, t } from './i18n.js';

export { L };

export function createMap(element, config) {
  const map = L.map(element, { zoomControl: false, attributionControl: true, worldCopyJump: false });
  const zoom = L.control.zoom({ zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') }).addTo(map);
  onLang(() => {
    for (const [selector, key] of [['.leaflet-control-zoom-in', 'map.zoom_in'], ['.leaflet-control-zoom-out', 'map.zoom_out']]) {
      const button = zoom.getContainer().querySelector(selector);
      if (button) { button.title = t(key); button.setAttribute('aria-label', t(key)); }
    }
  });
  // The credits name the data's publishers and licences as they state them (data);
  // the words around them are the catalogue's, re-worded when the language changes.
  map.attributionControl.setPrefix('<span data-value="credit">Leaflet</span>');
  onLang(() => {
    for (const [id, { render }] of credits(map)) setCredit(map, id, render);
  });
  if (config.tiles && config.tiles.url) {
    const by = config.tiles.attribution || '';
    L.tileLayer(config.tiles.url, {
      maxZoom: config.tiles.max_zoom || 19,
      attribution: by ? `<span data-value="credit">${esc(by)}</span>` : '',
    }).addTo(map);
  } else {
    element.classList.add('no-tiles');
  }
  map.setView(config.map.center, config.map.zoom);
  // The box changes size with the window, a phone's tabs and the legend strip: Leaflet
  // must be told, or it leaves grey bands and misplaces clicks.
  if (window.ResizeObserver) new ResizeObserver(() => map.invalidateSize({ pan: false })).observe(element);
  return map;
}

function credits(map) {
  if (!map.safenetCredits) map.safenetCredits = new Map();
  return map.safenetCredits;
}

// A credit line on the map under ``id``, worded by ``render`` (again on a language
// change); ``render`` null takes it off.
export function setCredit(map, id, render) {
  const known = credits(map);
  const old = known.get(id);
  if (old) map.attributionControl.removeAttribution(old.html);
  if (!render) {
    known.delete(id);
    return;
  }
  const html = render();
  known.set(id, { render, html });
  map.attributionControl.addAttribution(html);
}

// A credit line as HTML: the catalogue's word, then the publisher's own name and licence
// as data (a line of its own words alone when ``by`` is empty).
export function creditHtml(key, by = '') {
  return by ? `${esc(t(key))} <span data-value="credit">${esc(by)}</span>` : esc(t(key));
}

export async function addDistricts(map, prefix) {
  let data;
  try {
    const response = await fetch(`${prefix}/boundaries.geojson`, { cache: 'no-cache' });
    data = await response.json();
  } catch {
    return null;
  }
  const labelled = (data.features || []).length <= 40;
  if ((data.features || []).length) {
    setCredit(map, 'districts', () => creditHtml('credit.districts', '© NGII'));
  }
  const layer = L.geoJSON(data, {
    interactive: false,
    style: () => ({ className: 'district', color: '#7d8ba1', weight: 1.5, fillColor: '#7d8ba1', fillOpacity: 0.05 }),
    onEachFeature: (feature, sub) => {
      if (labelled) {
        // Leaflet takes a tooltip string as HTML.
        sub.bindTooltip(`<span data-value="place">${esc(feature.properties.sigungu)}</span>`, {
          permanent: true, direction: 'center', className: 'district-label', interactive: false,
        });
      }
    },
  }).addTo(map);
  layer.bringToBack();
  return layer;
}

// Fits the map to whatever layers have something in them.
export function fitTo(map, layers, maxZoom = 15) {
  let bounds = null;
  for (const layer of layers) {
    if (!layer || !layer.getBounds) continue;
    const b = layer.getBounds();
    if (!b || !b.isValid()) continue;
    bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
  }
  if (bounds) map.fitBounds(bounds, { padding: [56, 56], maxZoom, animate: false });
  return Boolean(bounds);
}
