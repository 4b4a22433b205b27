// The escape route's reasons and notice worded from the catalogue (lib/words_route.js):
// the server sends each as word codes with parameters (docs/tracking.md, "The escape
// route's words"); a reply without them (an older service, a stored heads-up) is shown
// as the server wrote it, in the chosen language.
import { h, val } from './dom.js';
import { compass, has, lang, t } from './i18n.js';

const MISSING = Symbol('missing');

// Halves to the even number, as Python's round() does, so the console says the same
// second and metre as the server's own text.
function roundEven(x) {
  const down = Math.floor(x);
  const rest = x - down;
  if (Math.abs(rest - 0.5) > 1e-9) return Math.round(x);
  return down % 2 === 0 ? down : down + 1;
}

// "850 m" below a kilometre, "12.4 km" above (safenet.tracking.wording.distance_text).
export function distanceText(metres) {
  const m = Number(metres);
  if (m < 999.5) return t('rw.m', { n: roundEven(m) });
  return t('rw.km', { n: (roundEven(m / 100) / 10).toFixed(1) });
}

// "45 s", "3 min 20 s", "1 h 5 min" / "45초", "3분 20초" (wording.duration_text).
export function durationText(seconds) {
  const s = Number(seconds);
  if (s < 10 && s !== Math.trunc(s)) return t('rw.s', { n: s.toFixed(1) });
  const whole = roundEven(s);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  let units = [[hours, 'rw.h'], [minutes, 'rw.min'], [secs, 'rw.s']];
  if (hours) units = units.slice(0, 2); // past an hour the seconds are noise
  const parts = units.filter(([n]) => n).map(([n, key]) => t(key, { n }));
  return parts.length ? parts.join(' ') : t('rw.s', { n: 0 });
}

// Nodes and strings with neighbouring strings joined: one text node per run of words,
// so a sentence reads (and is checked against the catalogue) whole.
function joined(parts) {
  const out = [];
  for (const part of parts) {
    if (typeof part === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += part;
    else if (part !== '') out.push(part);
  }
  return out;
}

// A catalogue text with its {params} put in: strings as text, nodes (data) as they are.
function fill(key, vars) {
  const out = [];
  for (const [i, part] of t(key).split(/\{([a-z_]+)\}/).entries()) {
    if (i % 2 === 0) {
      out.push(part);
    } else {
      const value = vars[part];
      if (value === undefined || value === null) return MISSING;
      out.push(value);
    }
  }
  return joined(out);
}

// One phrase of a camera's reason, or MISSING when the code or a parameter is unknown.
function phrase(word) {
  const p = (word && word.params) || {};
  switch (word && word.code) {
    case 'where':
      return p.bearing_deg === null || p.bearing_deg === undefined
        ? [distanceText(p.distance_m)]
        : fill('rw.where', { dir: compass(p.bearing_deg), dist: distanceText(p.distance_m) });
    case 'arrival_road':
    case 'arrival_straight':
      if ([p.arrival_s, p.soonest_s, p.latest_s].some((n) => typeof n !== 'number')) return MISSING;
      return fill(`rw.${word.code}`, {
        time: durationText(p.arrival_s), soon: durationText(p.soonest_s), late: durationText(p.latest_s),
      });
    case 'beyond_often':
    case 'turn_back':
    case 'ahead':
      return [t(`rw.${word.code}`)];
    case 'after_camera':
      return p.camera_id ? fill('rw.after_camera', { camera: val(String(p.camera_id), 'camera') }) : MISSING;
    case 'transitions':
      if (typeof p.count !== 'number') return MISSING;
      return p.count === 1 ? [t('rw.transitions_one')] : fill('rw.transitions', { count: String(p.count) });
    default:
      return MISSING;
  }
}

// A camera's reason as nodes: its words when every one is known, else the stored text.
export function reasonNodes(item) {
  const words = (item && item.reason_words) || [];
  const out = [];
  for (const word of words) {
    const nodes = phrase(word);
    if (nodes === MISSING) return [storedText(item.reason, item.reason_ko)];
    if (out.length) out.push(t('rw.join'));
    out.push(...nodes);
  }
  return out.length ? joined(out) : [storedText(item && item.reason, item && item.reason_ko)];
}

// The notice without road data, as nodes (the stand-in network's name is data).
export function noticeNodes(reach) {
  const word = reach && reach.notice_word;
  const p = (word && word.params) || {};
  const key = word ? `rw.notice.${word.code}` : null;
  if (key && has(key)) {
    const nodes = fill(key, {
      speed: p.speed_kmh === undefined || p.speed_kmh === null ? null : String(Number(p.speed_kmh)),
      snap: p.snap_m === undefined || p.snap_m === null ? null : String(Number(p.snap_m)),
      name: p.name ? val(String(p.name), 'roads') : null,
    });
    if (nodes !== MISSING) return nodes;
  }
  const text = storedText(reach && reach.notice, reach && reach.notice_ko);
  return text ? [text] : [];
}

// What the server wrote, in the chosen language (older replies carry no codes).
function storedText(en, ko) {
  return (lang() === 'en' ? en : ko) || '';
}

// The reason as HTML for a Leaflet tooltip.
export function reasonHtml(item) {
  return h('span', {}, ...reasonNodes(item)).innerHTML;
}
