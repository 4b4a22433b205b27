// Officers' evidence requests beside the candidates: the wanted entry's category and
// case, who asks, why and under which law; the operator ticks what to provide and
// approves (all or part) or denies with a reason the officer reads.
import { api } from '../lib/api.js';
import { $, clear, h, toast, val } from '../lib/dom.js';
import { category, onLang, t } from '../lib/i18n.js';
import { kst } from '../lib/time.js';
import { basisLabel } from './basis.js';

let requests = [];
let lastBody = '';
const drafts = new Map(); // request id → { ticked: Set, reason }


function hitText(item) {
  return item.camera_id && item.read_at
    ? t('evq.hit_at', { camera: item.camera_id, at: kst(item.read_at) })
    : t('evq.hit', { id: item.hit_id });
}

function itemText(item) {
  if (item.kind === 'scene_photos') {
    return `${t('ev.item.scene_photos')} · ${hitText(item)} · ${t('evq.window', { s: item.window_s })}`;
  }
  if (item.kind === 'escape_route') return `${t('ev.item.escape_route')} · ${hitText(item)} ${t('evq.from_on')}`;
  return `${t('ev.item.video')} · ${item.camera_id} · ${kst(item.time_from)} – ${kst(item.time_to)}`;
}

function draftOf(request) {
  let draft = drafts.get(request.request_id);
  if (!draft) {
    draft = { ticked: new Set(request.items.map((i) => i.index)), reason: '' };
    drafts.set(request.request_id, draft);
  }
  return draft;
}

async function decide(request, action, error) {
  const draft = draftOf(request);
  error.textContent = '';
  const partial = draft.ticked.size < request.items.length;
  if ((action === 'deny' || (action === 'part' && partial)) && !draft.reason.trim()) {
    error.textContent = t('evq.reason_needed');
    return;
  }
  try {
    if (action === 'deny') {
      await api(`/api/v1/evidence/requests/${encodeURIComponent(request.request_id)}/deny`, {
        method: 'POST', body: { reason: draft.reason.trim() },
      });
      toast(t('evq.done_denied'), 'ok');
    } else {
      const body = action === 'all' ? {} : { items: [...draft.ticked].sort(), reason: draft.reason.trim() };
      if (action === 'part' && !draft.ticked.size) {
        error.textContent = t('ev.none_chosen');
        return;
      }
      await api(`/api/v1/evidence/requests/${encodeURIComponent(request.request_id)}/approve`, {
        method: 'POST', body,
      });
      toast(t('evq.done_provided'), 'ok');
    }
    drafts.delete(request.request_id);
    requests = requests.filter((r) => r.request_id !== request.request_id);
    render();
  } catch (exc) {
    error.textContent = `${t('error.generic')} — ${exc.message || ''}`;
  }
}

function card(request) {
  const draft = draftOf(request);
  const who = request.requester || {};
  const error = h('p', { class: 'action-error', role: 'alert' });
  const reason = h('input', {
    type: 'text', class: 'reason-input', maxlength: 2000, value: draft.reason,
    placeholder: t('evq.reason'), 'aria-label': t('evq.reason'),
    oninput: (event) => { draft.reason = event.target.value; },
  });
  return h('li', { class: 'evidence-item', dataset: { requestId: request.request_id } },
    h('p', { class: 'meta' }, h('strong', {}, request.category_label && category(request.category)),
      ` · ${t('evq.case')} `, val(request.case_number, 'case')),
    h('p', { class: 'fact' }, `${t('evq.requester')}: `, val(`${who.agency || ''} ${who.rank || ''} ${who.name || ''}`, 'person'),
      h('span', { class: 'muted' }, ` · ${kst(request.received_at)}`)),
    h('p', { class: 'fact' }, `${t('evq.purpose')}: `, val(request.purpose, 'purpose')),
    h('p', { class: 'fact muted' }, `${t('evq.basis')}: ${basisLabel(request.legal_basis)}`),
    h('p', { class: 'small-head' }, t('evq.items')),
    h('ul', { class: 'evidence-items' }, request.items.map((item) => h('li', {},
      h('label', {},
        h('input', {
          type: 'checkbox', checked: draft.ticked.has(item.index), dataset: { item: item.index },
          onchange: (event) => {
            if (event.target.checked) draft.ticked.add(item.index);
            else draft.ticked.delete(item.index);
          },
        }),
        ` ${itemText(item)}`)))),
    reason,
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'confirm-button', dataset: { action: 'approve-all' }, onclick: () => decide(request, 'all', error) }, t('evq.approve_all')),
      h('button', { type: 'button', dataset: { action: 'approve-part' }, onclick: () => decide(request, 'part', error) }, t('evq.approve_part')),
      h('button', { type: 'button', class: 'reject-button', dataset: { action: 'deny' }, onclick: () => decide(request, 'deny', error) }, t('evq.deny'))),
    error);
}

function render() {
  const list = $('#evq-list');
  if (!list) return;
  clear(list);
  $('#evq-count').textContent = String(requests.length);
  $('#evq-empty').hidden = requests.length > 0;
  for (const request of requests) list.append(card(request));
}

function editing() {
  const active = document.activeElement;
  return Boolean(active && active.closest && active.closest('#evq-list') && active.tagName === 'INPUT' && active.type === 'text');
}

async function load() {
  if (editing()) return;
  let body;
  try {
    body = await api('/api/v1/evidence/requests?state=pending&limit=100');
  } catch {
    return;
  }
  const text = JSON.stringify(body.requests);
  if (text === lastBody) return;
  lastBody = text;
  requests = [...body.requests].reverse(); // oldest first, as the candidates
  render();
}

async function main() {
  const prefix = document.body.dataset.prefix || '/console';
  const config = await (await fetch(`${prefix}/config.json`, { cache: 'no-store' })).json();
  onLang(render);
  // The queue page signs in first (queue.js); wait until it has.
  while (!document.body.classList.contains('signed-in')) await new Promise((r) => setTimeout(r, 100));
  await load();
  setInterval(load, Math.max(500, config.refresh_s * 1000));
  document.body.dataset.evidenceReady = '1';
}

main();
