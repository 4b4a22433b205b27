// The offline basemap: streets drawn from the road data as vector lines, no tile server.
// The files come from `safenet roads prepare` (or are built on first use) under
// var/basemap/: an index.json and, per road network, one GeoJSON file per zoom band
// (docs/roads.md). The layer loads only the band the zoom needs, only for the networks
// in view, draws major roads wider and brighter, and names streets at street zooms.
// It sits below every overlay (district outlines, cameras, tracks) and takes no clicks.
import { L, creditHtml, setCredit } from './map.js';

const STYLE = {
  highway: { color: '#d9a441', weight: 4.5, opacity: 0.9 },
  major: { color: '#b8c2d1', weight: 3.2, opacity: 0.85 },
  minor: { color: '#8b97a9', weight: 2.0, opacity: 0.8 },
  street: { color: '#5f6b7d', weight: 1.4, opacity: 0.8 },
  service: { color: '#4b5563', weight: 1.0, opacity: 0.7 },
};
const LABEL_MIN_ZOOM = { highway: 14, major: 15, minor: 16, street: 17, service: 18 };
const LABEL_CELL_PX = 180; // at most one label of a name per cell of this size

function bandFor(network, zoom) {
  return network.bands.find((b) => zoom >= b.min_zoom && zoom <= b.max_zoom)
    || network.bands[network.bands.length - 1];
}

function boundsOf(network) {
  const [west, south, east, north] = network.bbox;
  return L.latLngBounds([south, west], [north, east]);
}

// The longest stretch of a line and its angle on screen, where a label reads best.
function labelPlace(map, coords) {
  let best = null;
  for (let i = 1; i < coords.length; i += 1) {
    const a = map.latLngToLayerPoint([coords[i - 1][1], coords[i - 1][0]]);
    const b = map.latLngToLayerPoint([coords[i][1], coords[i][0]]);
    const length = a.distanceTo(b);
    if (!best || length > best.length) best = { a, b, length };
  }
  if (!best) return null;
  let angle = (Math.atan2(best.b.y - best.a.y, best.b.x - best.a.x) * 180) / Math.PI;
  if (angle > 90) angle -= 180; // never upside down
  if (angle < -90) angle += 180;
  const mid = L.point((best.a.x + best.b.x) / 2, (best.a.y + best.b.y) / 2);
  return { at: map.layerPointToLatLng(mid), angle, length: best.length };
}

function labelIcon(name, angle) {
  const span = document.createElement('span');
  span.className = 'basemap-label';
  span.dataset.value = 'place';
  span.textContent = name; // street names are data: never HTML
  span.style.cssText = [
    'display:inline-block', 'white-space:nowrap', 'font-size:11px', 'color:#cbd5e1',
    'text-shadow:0 0 3px #0b1220,0 0 3px #0b1220', 'pointer-events:none',
    `transform:translate(-50%,-50%) rotate(${angle.toFixed(1)}deg)`,
  ].join(';');
  return L.divIcon({ className: 'basemap-label-icon', html: span, iconSize: null });
}

export class Basemap {
  constructor(map, { url = 'basemap/index.json', fetcher = (href, init) => fetch(href, init) } = {}) {
    this.map = map;
    this.url = url;
    this.base = url.slice(0, url.lastIndexOf('/') + 1);
    this.fetcher = fetcher;
    this.networks = [];
    this.cache = new Map(); // file -> Promise<GeoJSON>
    this.drawn = new Map(); // network name -> { file, layer }
    if (!map.getPane('basemap')) {
      map.createPane('basemap').style.zIndex = 250; // above tiles (200), below overlays (400)
      map.createPane('basemap-labels').style.zIndex = 260;
    }
    this.lines = L.layerGroup().addTo(map);
    this.labels = L.layerGroup().addTo(map);
    this.refresh = () => { this.update(); };
  }

  // Loads the index and draws what the view needs; resolves to the number of networks.
  async start() {
    const response = await this.fetcher(this.url, { cache: 'no-cache' });
    if (!response.ok) throw new Error(`basemap index: HTTP ${response.status}`);
    const index = await response.json();
    this.networks = index.networks || [];
    this.map.on('moveend zoomend', this.refresh);
    await this.update();
    return this.networks.length;
  }

  stop() {
    this.map.off('moveend zoomend', this.refresh);
    this.credit([]);
    this.lines.remove();
    this.labels.remove();
  }

  load(file) {
    if (!this.cache.has(file)) {
      const promise = this.fetcher(this.base + file).then((r) => {
        if (!r.ok) throw new Error(`basemap ${file}: HTTP ${r.status}`);
        return r.json();
      });
      promise.catch(() => this.cache.delete(file)); // try again on the next move
      this.cache.set(file, promise);
    }
    return this.cache.get(file);
  }

  async update() {
    const zoom = this.map.getZoom();
    const view = this.map.getBounds().pad(0.25);
    const wanted = this.networks.filter((n) => view.intersects(boundsOf(n)));
    const names = new Set(wanted.map((n) => n.name));
    for (const [name, drawn] of this.drawn) {
      if (!names.has(name)) {
        this.lines.removeLayer(drawn.layer);
        this.drawn.delete(name);
      }
    }
    this.credit(wanted);
    await Promise.all(wanted.map(async (network) => {
      const band = bandFor(network, zoom);
      const drawn = this.drawn.get(network.name);
      if (drawn && drawn.file === band.file) return;
      let data;
      try {
        data = await this.load(band.file);
      } catch {
        return; // the map still works without streets
      }
      if (bandFor(network, this.map.getZoom()).file !== band.file) return; // zoomed on meanwhile
      const layer = L.geoJSON(data, {
        pane: 'basemap',
        interactive: false,
        style: (feature) => ({ ...(STYLE[feature.properties.class] || STYLE.street), className: `street street-${feature.properties.class}` }),
      });
      const old = this.drawn.get(network.name);
      if (old) this.lines.removeLayer(old.layer);
      this.drawn.set(network.name, { file: band.file, layer, data });
      this.lines.addLayer(layer);
    }));
    this.drawLabels();
  }

  // Only the road data on the map is credited (Leaflet's attribution text is HTML).
  // A licence the source does not state is worded from the catalogue (licence_code); a
  // stated one (ODbL, © OpenStreetMap contributors) is shown as it is, marked as data.
  credit(networks) {
    const now = new Map();
    for (const n of networks) {
      if (!n.licence) continue;
      const id = `roads:${n.licence_code || n.licence}`;
      now.set(id, n.licence_code === 'unstated'
        ? () => creditHtml('credit.roads.unstated')
        : () => creditHtml('credit.roads', n.licence));
    }
    for (const id of this.credits || []) {
      if (!now.has(id)) setCredit(this.map, id, null);
    }
    for (const [id, render] of now) {
      if (!(this.credits || new Set()).has(id)) setCredit(this.map, id, render);
    }
    this.credits = new Set(now.keys());
  }

  drawLabels() {
    this.labels.clearLayers();
    const zoom = this.map.getZoom();
    const view = this.map.getBounds();
    const taken = new Set();
    const candidates = [];
    for (const { data } of this.drawn.values()) {
      for (const feature of data.features || []) {
        const { name, class: cls } = feature.properties;
        if (!name || zoom < (LABEL_MIN_ZOOM[cls] || 99)) continue;
        const coords = feature.geometry.coordinates;
        if (!coords.some(([lon, lat]) => view.contains([lat, lon]))) continue;
        candidates.push({ name, cls, coords });
      }
    }
    // Major roads first, so their names win the space.
    const order = Object.keys(STYLE);
    candidates.sort((a, b) => order.indexOf(a.cls) - order.indexOf(b.cls));
    for (const { name, coords } of candidates) {
      const place = labelPlace(this.map, coords);
      if (!place || place.length < name.length * 7) continue; // too short to carry its name
      const p = this.map.latLngToContainerPoint(place.at);
      const key = `${name}|${Math.floor(p.x / LABEL_CELL_PX)}|${Math.floor(p.y / LABEL_CELL_PX)}`;
      if (taken.has(key)) continue;
      taken.add(key);
      L.marker(place.at, {
        icon: labelIcon(name, place.angle), pane: 'basemap-labels', interactive: false, keyboard: false,
      }).addTo(this.labels);
    }
  }

  // How many street lines are on the map now (for tests and the settings page).
  streetCount() {
    let n = 0;
    for (const { layer } of this.drawn.values()) n += layer.getLayers().length;
    return n;
  }
}

// Adds the offline basemap to a map; resolves to the Basemap, or null when there is none
// (the map works without it; options.onError hears why).
export async function addBasemap(map, { onError = null, ...options } = {}) {
  const basemap = new Basemap(map, options);
  try {
    await basemap.start();
  } catch (error) {
    basemap.stop();
    if (onError) onError(error);
    return null;
  }
  return basemap;
}
