// Why a read matched and why the decision chain decided, worded from the catalogue
// (i18n.js, "Match explanations and vehicle labels") in the chosen language.
// The center's API and the police's hits carry the structure: `why` (kind, rank,
// differences: factor, position, part, digit, read_char, registered_char) and the
// assessment's factors (factor, code, params, contribution). Older hits without
// codes fall back to the words the center stored in that language.
import { h } from './dom.js';
import { has, lang, level, t } from './i18n.js';

const PREFIX = { colour: 'colour', type: 'body', body: 'body', make: 'make' };

// A vocabulary code in the chosen language; an unknown word (free text) as given.
export function vocab(prefix, code) {
  if (!code) return t('assess.unknown');
  const key = `${PREFIX[prefix] || prefix}.${String(code).toLowerCase()}`;
  return has(key) ? t(key) : String(code);
}

// A description (codes: colour, type, make, model) in a few words, e.g. 흰색 SUV 현대 싼타페.
export function vehicleLabel(described) {
  const d = described || {};
  const parts = [];
  if (d.colour) parts.push(vocab('colour', d.colour));
  if (d.type) parts.push(vocab('body', d.type));
  if (d.make) parts.push(vocab('make', d.make));
  if (d.model) parts.push(String(d.model));
  return parts.length ? parts.join(' ') : t('vehicle.none');
}

// The same as nodes: the vocabulary's words as text, the registered model as data.
export function vehicleNode(described) {
  const d = described || {};
  const words = [];
  if (d.colour) words.push(vocab('colour', d.colour));
  if (d.type) words.push(vocab('body', d.type));
  if (d.make) words.push(vocab('make', d.make));
  if (!d.model) return words.length ? words.join(' ') : t('vehicle.none');
  return [words.length ? `${words.join(' ')} ` : '', h('span', { dataset: { value: 'model' } }, String(d.model))];
}

function partWord(d) {
  if (!d.part || !has(`why.part.${d.part}`)) return null;
  const part = t(`why.part.${d.part}`);
  return d.digit ? t('why.digit', { part, d: d.digit }) : part;
}

function where(d, text) {
  if (d.position === null || d.position === undefined) return '';
  if (text && d.position >= text.length) return t('why.where_after');
  const part = partWord(d);
  const n = d.position + 1;
  return part ? t('why.where_part', { n, part }) : t('why.where', { n });
}

// How a plate character ends when read aloud in Korean, for the particle after it:
// 'none' (no final consonant: 가, 2), 'rieul' (ㄹ: 1, 7, 8, 갈) or 'other' (거 has none; 각, 0, 3, 6).
const DIGIT_ENDS = { 0: 'other', 1: 'rieul', 2: 'none', 3: 'other', 4: 'none', 5: 'none', 6: 'other', 7: 'rieul', 8: 'rieul', 9: 'none' };
function ending(ch) {
  const c = String(ch || '').slice(-1);
  if (c in DIGIT_ENDS) return DIGIT_ENDS[c];
  const code = c.charCodeAt(0) - 0xac00;
  if (code < 0 || code > 11171) return 'none';
  const final = code % 28;
  return final === 0 ? 'none' : final === 8 ? 'rieul' : 'other';
}

// The particles the Korean words need after a character (unused by the English ones).
function particles(read, registered) {
  const r = ending(read);
  return {
    ro: r === 'other' ? '으로' : '로',
    eun: r === 'none' ? '는' : '은',
    iga: ending(registered) === 'none' ? '가' : '이',
  };
}

// One difference between the plate read and the registered plate.
export function differenceWords(d, text) {
  const key = `why.diff.${d.factor}`;
  if (!has(key)) return '';
  const read = d.read_char || '';
  const registered = d.registered_char || '';
  return t(key, { where: where(d, text), read, registered, ...particles(read, registered) });
}

function sure(confidence) {
  return confidence === null || confidence === undefined ? '' : t('why.sure', { conf: Number(confidence).toFixed(2) });
}

// The whole match in one sentence of the chosen language (`why` as the API gives it).
export function matchWords(why) {
  if (!why || !why.kind) return t('why.unknown');
  const vars = { rank: why.rank, text: why.text, registered: why.registered, sure: sure(why.confidence) };
  if (why.kind === 'exact') return t('why.exact');
  if (why.kind === 'exact_alternative') return t('why.exact_alternative', vars);
  let body;
  if (why.kind === 'pattern') body = t('why.pattern', vars);
  else {
    const diffs = why.differences || [];
    body = diffs.map((d) => differenceWords(d, why.text)).filter(Boolean).join(t('why.join'));
    if (why.level === 'fuzzy' && diffs.length > 1) body = t('why.two', { body });
  }
  return why.rank ? t('why.alternative', { ...vars, body }) : body;
}

// One factor of the decision score, in words.
export function factorWords(f) {
  const p = f.params || {};
  const fallback = lang() === 'ko' ? f.ko : f.en;
  if (!f.code) return fallback || '';
  if (f.factor === 'base') return f.code === 'busy' ? t('factor.base.busy', { n: p.n ?? 0 }) : t('factor.base');
  if (f.factor === 'plate') {
    return t('factor.plate', {
      level: level(p.level),
      where: p.rank ? t('factor.plate_rank', { rank: p.rank }) : '',
      text: p.text || '',
      registered: p.registered || '',
      conf: Number(p.confidence ?? 0).toFixed(2),
    });
  }
  if (['colour', 'type', 'make'].includes(f.factor)) {
    const part = t(f.factor === 'colour' ? 'field.colour' : f.factor === 'type' ? 'field.type' : 'field.make');
    const key = `factor.part.${f.code}`;
    if (!has(key)) return fallback || '';
    return t(key, { part, seen: vocab(f.factor, p.seen), registered: vocab(f.factor, p.registered) });
  }
  const key = `factor.${f.factor}.${f.code}`;
  if (!has(key)) return fallback || '';
  return t(key, { n: p.n ?? 0, plate: p.plate || '', ro: particles(p.plate, '').ro });
}

// Why the chain decided as it did (the rule), in words.
export function ruleWords(a) {
  const fallback = lang() === 'ko' ? a.ko : a.en;
  const key = `rule.${a.rule}`;
  if (!has(key) || a.threshold === null || a.threshold === undefined) return fallback || '';
  return t(key, {
    score: Number(a.score).toFixed(2),
    threshold: Number(a.threshold).toFixed(2),
    hold: Number(a.hold_s ?? 0).toString(),
  });
}
