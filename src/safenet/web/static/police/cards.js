// One alert as the dispatcher sees it: the plate large, exact hits red, candidates amber
// with the "육안 확인 필요" banner, the center's decision, and acknowledge / dispatch.
import { h, val } from '../lib/dom.js';
import { siteLabel } from '../lib/sites.js';
import { category, compass, has, lang, level, t } from '../lib/i18n.js';
import { factorWords, matchWords, ruleWords, vehicleLabel, vehicleNode, vocab } from '../lib/explain.js';
import { kst } from '../lib/time.js';
import { evidenceBlock } from './evidence.js';
import { agoLabel, directionSource, routePanel } from './route.js';

// How a hit's card is coloured: what an officer may do with it.
export function tone(card) {
  const confirmation = card.hit && card.hit.confirmation;
  if (confirmation === 'rejected') return 'rejected';
  // The center's decision, as it reported it: an alert is red (tone "exact").
  if (card.hit && card.hit.decision === 'alert') return 'exact';
  return confirmation === 'confirmed' ? 'confirmed' : 'candidate';
}

function plateBlock(card) {
  const plate = (card.entry && card.entry.plate) || (card.hit && card.hit.plate_read) || '—';
  const read = card.hit && card.hit.plate_read;
  return h('span', { class: 'plate-row' },
    h('span', { class: 'plate', dataset: { role: 'plate', value: 'plate' } }, plate),
    read && read !== plate ? h('span', { class: 'plate-read' }, t('alert.read_as'), ' ', val(read, 'plate')) : null);
}

function confirmationLine(card) {
  const hit = card.hit || {};
  const state = hit.confirmation;
  if (!state || state === 'not_needed') return null;
  const name = hit.decided_by_name || hit.decided_by;
  return h('p', { class: `confirmation confirmation-${state}`, dataset: { confirmation: state } },
    h('strong', {}, t(`alert.${state}`)),
    name ? [' — ', val(name, 'person')] : null,
    hit.decided_at ? ` · ${kst(hit.decided_at)}` : null,
    hit.decision_reason ? [': ', val(hit.decision_reason, 'reason')] : null);
}

function where(card) {
  const hit = card.hit || {};
  const track = card.track || {};
  // The direction comes from the track (along roads where there are roads); the card says
  // where it came from, and only falls back to the camera's heading with that said.
  const known = track.direction_deg !== undefined && track.direction_deg !== null;
  const direction = known ? compass(track.direction_deg) : compass(hit.heading);
  const source = known ? directionSource(track.direction) : direction ? t('route.dir_camera_unknown') : '';
  const speed = track.speed_kmh ? ` · ${Math.round(track.speed_kmh)} km/h` : '';
  return h('p', { class: 'where' },
    hit.address ? val(hit.address, 'address') : '—',
    h('span', { class: 'muted' }, ' · ', siteLabel(hit.site), ' / ', val(hit.camera_id || '', 'camera')),
    direction ? h('span', { class: 'heading', dataset: { bearing: known ? String(track.direction_deg) : '' } },
      ` · ${t('alert.heading')} `, h('span', { class: 'heading-compass' }, direction), speed,
      source ? h('span', { class: 'heading-source muted' }, ` (${source})`) : null) : null);
}

// Why the center's decision chain reported it: the descriptions compared, each
// factor's effect in words, and how many other reads backed it or spoke against it.
function assessmentBlock(hit) {
  const a = hit.assessment;
  if (!a) return null;
  const factor = (name) => (a.factors || []).find((f) => f.factor === name);
  const verdict = (name, wanted, seen) => {
    const f = factor(name);
    if (!wanted || !seen || !f) return 'no_compare';
    if (f.contribution > 0.05) return 'agrees';
    if (f.contribution < -0.05) return 'differs';
    return 'close';
  };
  const row = (label, prefix, name, wanted, seen) => {
    const v = verdict(name, wanted, seen);
    return h('li', { class: 'assess-part', dataset: { part: prefix, verdict: v } },
      `${t(label)}: ${t('queue.wanted')} ${vocab(prefix, wanted)} · ${t('queue.seen')} ${vocab(prefix, seen)} — `,
      h('strong', { class: `verdict-${v}` }, t(`assess.${v}`)));
  };
  const words = factorWords;
  const effect = (value) => {
    const key = value > 0.05 ? 'assess.raises' : value < -0.05 ? 'assess.lowers' : 'assess.no_effect';
    return `${t(key)} ${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value).toFixed(1)}`;
  };
  return h('details', { class: 'assessment', open: true },
    h('summary', {}, `${t('assess.why')} · ${t('assess.score')} ${Number(a.score).toFixed(2)}`),
    h('p', { class: 'assess-rule', dataset: { rule: a.rule } }, ruleWords(a)),
    h('ul', { class: 'assess-parts' },
      row('field.colour', 'colour', 'colour', a.wanted_colour, a.seen_colour),
      row('field.type', 'body', 'type', a.wanted_type, a.seen_type)),
    h('p', { class: 'assess-reads' },
      t('assess.backing', { n: a.reads_support || 0, against: a.reads_against || 0 })),
    h('ul', { class: 'factor-list' },
      ...(a.factors || []).filter((f) => f.factor === 'base' || Math.abs(f.contribution) > 0.005)
        .map((f) => h('li', { class: 'factor', dataset: { factor: f.factor } },
          h('span', { class: 'factor-effect' }, effect(Number(f.contribution) || 0)),
          h('span', { class: 'factor-words' }, words(f))))));
}

// Why the read matched, worded from the report's structure; a report from a center that
// sent none shows its English text only in English.
function explanationText(hit) {
  if (hit.why) return matchWords(hit.why);
  return lang() === 'en' ? hit.explanation || '—' : t('why.unknown');
}

function responseLines(card) {
  return [
    card.acknowledged_by ? h('p', { class: 'done-line' },
      t('alert.acked_by', { who: card.acknowledged_by_name || card.acknowledged_by, at: kst(card.acknowledged_at) })) : null,
    card.dispatched_by ? h('p', { class: 'done-line dispatched' },
      t('alert.dispatched_by', { who: card.dispatched_by_name || card.dispatched_by, at: kst(card.dispatched_at) }),
      card.dispatch_note ? [' — ', val(card.dispatch_note, 'note')] : '') : null,
  ];
}

function actions(card, handlers, responder) {
  const error = h('p', { class: 'action-error', role: 'alert' });
  const note = h('input', {
    type: 'text', class: 'dispatch-note', maxlength: 2000,
    placeholder: t('alert.dispatch_note'), 'aria-label': t('alert.dispatch_note'),
  });
  const noteRow = h('div', { class: 'dispatch-row', hidden: true }, note,
    h('button', {
      type: 'button', class: 'danger', dataset: { action: 'send-dispatch' },
      onclick: () => handlers.onDispatch(card, note.value, error),
    }, t('alert.send_dispatch')));
  const title = responder ? null : t('alert.responders_only');
  return h('div', { class: 'card-actions' },
    h('div', { class: 'row' },
      h('button', {
        type: 'button', dataset: { action: 'ack' }, disabled: !responder || Boolean(card.acknowledged_by), title,
        onclick: () => handlers.onAck(card, error),
      }, t('alert.ack')),
      h('button', {
        type: 'button', class: 'danger-outline', dataset: { action: 'dispatch' }, disabled: !responder, title,
        onclick: () => { noteRow.hidden = !noteRow.hidden; if (!noteRow.hidden) note.focus(); },
      }, t('alert.dispatch'))),
    noteRow,
    error);
}

export function hitCard(card, handlers, responder) {
  const hit = card.hit || {};
  const entry = card.entry || {};
  const kind = tone(card);
  const visual = kind !== 'exact' && kind !== 'rejected';
  const number = card.number ? h('span', { class: 'hit-number', title: '#' }, `#${card.number}`) : null;
  return h('li', {
    class: `alert-card tone-${kind}${card.fresh ? ' fresh' : ''}`,
    dataset: {
      hitKey: card.key, alertId: card.alertId, level: hit.level, confirmation: hit.confirmation || '',
      entryId: card.entryId,
    },
  },
  h('div', { class: 'card-top' },
    // The badge tells the match level (red only for exact); the border tells the state.
    h('span', { class: `badge badge-${kind === 'rejected' ? 'rejected' : hit.level === 'exact' ? 'exact' : 'candidate'}` }, level(hit.level)),
    h('span', { class: 'score' }, `${t('score')} ${Number(hit.score ?? 0).toFixed(2)}`),
    number,
    hit.retrospective ? h('span', { class: 'tag' }, t('alert.retro')) : null,
    h('time', { class: 'when', datetime: hit.read_at }, kst(hit.read_at)),
    agoLabel(hit.read_at)),
  h('button', { type: 'button', class: 'card-locate', onclick: () => handlers.onLocate(card) }, plateBlock(card)),
  h('p', { class: 'meta' },
    h('strong', {}, entry.category ? category(entry.category) : '—'),
    entry.case_number ? [` · ${t('alert.case')} `, val(entry.case_number, 'case')] : '',
    entry.described ? [' · ', vehicleNode(entry.described)] : entry.vehicle && lang() === 'en' ? [' · ', val(entry.vehicle, 'vehicle')] : ''),
  where(card),
  card.route && kind !== 'rejected' ? routePanel(card.route) : null,
  kind === 'rejected'
    ? h('p', { class: 'banner banner-withdrawn', role: 'alert' }, t('alert.withdrawn'))
    : visual ? h('p', { class: 'banner banner-visual', role: 'alert' }, '⚠ ', t('alert.visual')) : null,
  confirmationLine(card),
  assessmentBlock(hit),
  h('details', { class: 'explain' },
    h('summary', {}, t('alert.explain'), ` · ${t('confidence')} ${Number(hit.read_confidence ?? 0).toFixed(2)}`),
    h('p', { class: 'explanation', dataset: { kind: hit.why ? hit.why.kind : '' } }, explanationText(hit))),
  evidenceBlock(card, responder),
  responseLines(card),
  actions(card, handlers, responder));
}

export function flagCard(card, handlers) {
  const leg = card.leg || {};
  const km = ((leg.distance_m || 0) / 1000).toFixed(1);
  const detail = leg.instant
    ? t('alert.flag_instant', { km })
    : t('alert.flag_detail', {
      km, min: Math.max(0, Math.round((leg.elapsed_s || 0) / 60)), kmh: Math.round(leg.speed_kmh || 0),
    });
  return h('li', {
    class: `alert-card tone-flag${card.fresh ? ' fresh' : ''}`,
    dataset: { alertId: card.alertId, kind: 'flag', entryId: card.entryId },
  },
  h('div', { class: 'card-top' },
    h('span', { class: 'badge badge-flag' }, '⚠ ', t('map.impossible')),
    h('time', { class: 'when', datetime: card.createdAt }, kst(card.createdAt))),
  h('button', { type: 'button', class: 'card-locate', onclick: () => handlers.onLocate(card) },
    plateBlock(card)),
  h('p', { class: 'banner banner-flag', role: 'alert' }, t('alert.flag')),
  h('p', { class: 'meta' }, detail, ` · ${kst(leg.from && leg.from.at)} → ${kst(leg.to && leg.to.at)}`));
}
