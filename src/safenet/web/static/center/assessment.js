// Why the center's decision chain showed this candidate: the wanted vehicle's
// description beside what the camera saw, part by part; every factor of the score
// with how much it moved it, in words; and the other reads of the same vehicle that
// this queue item gathers (docs/matching.md "Decisions", docs/center.md "Decisions").
import { h, val } from '../lib/dom.js';
import { has, lang, t } from '../lib/i18n.js';
import { factorWords, ruleWords, vocab } from '../lib/explain.js';
import { kst } from '../lib/time.js';

function word(prefix, code) {
  return vocab(prefix, code);
}

function factorOf(assessment, name) {
  return (assessment && assessment.factors || []).find((f) => f.factor === name) || null;
}

// One part of the description: wanted, seen, and whether they agree (from the factor).
function part(label, prefix, wanted, seen, factor) {
  let verdict = 'assess.no_compare';
  if (wanted && seen && factor) {
    if (factor.contribution > 0.05) verdict = 'assess.agrees';
    else if (factor.contribution < -0.05) verdict = 'assess.differs';
    else verdict = 'assess.close';
  }
  return h('tr', { dataset: { part: prefix, verdict: verdict.slice(7) } },
    h('th', { scope: 'row' }, t(label)),
    h('td', {}, word(prefix, wanted)),
    h('td', {}, word(prefix, seen)),
    h('td', { class: `verdict verdict-${verdict.slice(7)}` }, t(verdict)));
}

function effect(contribution) {
  const value = Number(contribution) || 0;
  const key = value > 0.05 ? 'assess.raises' : value < -0.05 ? 'assess.lowers' : 'assess.no_effect';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  return `${t(key)} ${sign}${Math.abs(value).toFixed(1)}`;
}

export function assessmentBlock(c) {
  const a = c.assessment;
  const wanted = (c.wanted && c.wanted.described) || {};
  const seen = (c.vehicle_seen && c.vehicle_seen.described) || {};
  const block = h('section', { class: 'assessment', id: 'assessment' },
    h('h2', { class: 'small-head' }, t('assess.compare')),
    h('table', { class: 'compare-table' },
      h('thead', {}, h('tr', {},
        h('th', {}, ''), h('th', { scope: 'col' }, t('queue.wanted')),
        h('th', { scope: 'col' }, t('queue.seen')), h('th', { scope: 'col' }, t('assess.verdict')))),
      h('tbody', {},
        part('field.colour', 'colour', wanted.colour, seen.colour, factorOf(a, 'colour')),
        part('field.type', 'body', wanted.type, seen.type, factorOf(a, 'type')))));
  if (a) {
    const words = factorWords;
    block.append(
      h('h2', { class: 'small-head' }, t('assess.why')),
      h('p', { class: 'assess-rule', dataset: { rule: a.rule } },
        `${t('assess.score')} ${Number(a.score).toFixed(2)} — ${ruleWords(a)}`),
      h('ul', { class: 'factor-list' },
        ...a.factors.filter((f) => f.factor === 'base' || Math.abs(f.contribution) > 0.005).map((f) =>
          h('li', { class: 'factor', dataset: { factor: f.factor } },
            h('span', { class: 'factor-effect' }, effect(f.contribution)),
            h('span', { class: 'factor-words' }, words(f))))));
  }
  const reads = c.reads || [];
  block.append(
    h('h2', { class: 'small-head' }, t('assess.reads', { n: reads.length })),
    h('ol', { class: 'item-reads' },
      ...reads.map((r) => h('li', { class: 'item-read', dataset: { hitId: r.hit_id } },
        h('span', { class: 'plate small-plate', dataset: { value: 'plate' } }, r.plate_read),
        h('span', {}, ` ${kst(r.read_at).slice(11)} · ${t('queue.camera')} `, val(r.camera_id, 'camera'),
          ` · ${t('confidence')} ${Number(r.read_confidence).toFixed(2)}`),
        r.assessment ? h('span', { class: 'muted' }, ` · ${t('assess.score')} ${Number(r.assessment.score).toFixed(2)}`) : null))));
  return block;
}
