// Evidence on an alert card: ask the hit's center for scene photos and the escape route,
// see where the request stands, and — once the package is verified — its pictures and
// route. Every file shown was opened through the API, which records the viewing.
import { api, apiImage, fieldLabel } from '../lib/api.js';
import { clear, h, val } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { kst } from '../lib/time.js';

const PHOTO_WINDOW_S = 60;
const byEntry = new Map(); // entry id → requests sent under it (newest first)
const loading = new Set();
const images = new Map(); // file url → object URL (null: could not be opened)
const routes = new Map(); // file url → route document (null: could not be opened)
const forms = new Map(); // card key → its open request form (kept across re-renders)
let changed = () => {};

// Called with an entry id when its requests changed (the live console re-renders).
export function onEvidenceChange(fn) {
  changed = fn;
}

export async function refreshEvidence(entryId) {
  if (!entryId) return;
  const body = await api(`/api/v1/evidence/requests?entry_id=${encodeURIComponent(entryId)}&limit=50`);
  byEntry.set(entryId, body.requests);
  changed(entryId);
}

function ensureLoaded(entryId) {
  if (!entryId || byEntry.has(entryId) || loading.has(entryId)) return;
  loading.add(entryId);
  refreshEvidence(entryId).catch(() => {}).finally(() => loading.delete(entryId));
}

function requestsOf(card) {
  const hit = card.hit || {};
  return (byEntry.get(card.entryId) || []).filter((r) => r.site === hit.site
    && r.items.some((item) => item.hit_id === hit.hit_id));
}

function fileUrl(file) {
  return file.url;
}

function photo(file) {
  const url = fileUrl(file);
  const img = h('img', {
    class: 'evidence-photo', dataset: { value: 'photo' }, alt: `${t('alert.snapshot')} ${file.camera_ids.join(', ')}`,
    title: `${file.camera_ids.join(', ')} · ${kst(file.time_from)}`,
  });
  const cached = images.get(url);
  if (cached) img.src = cached;
  else if (cached === undefined) {
    images.set(url, null);
    apiImage(url).then((objectUrl) => {
      images.set(url, objectUrl);
      for (const el of document.querySelectorAll('img.evidence-photo[data-url]')) {
        if (el.dataset.url === url) el.src = objectUrl;
      }
    }).catch(() => images.delete(url));
  }
  img.dataset.url = url;
  return img;
}

function route(file) {
  const url = fileUrl(file);
  const box = h('div', { class: 'evidence-route', dataset: { url } });
  const doc = routes.get(url);
  if (doc) fillRoute(box, doc);
  else if (doc === undefined) {
    routes.set(url, null);
    api(url).then((value) => {
      routes.set(url, value);
      for (const el of document.querySelectorAll('.evidence-route[data-url]')) {
        if (el.dataset.url === url) fillRoute(el, value);
      }
    }).catch(() => routes.delete(url));
  }
  return box;
}

function fillRoute(box, doc) {
  clear(box);
  box.append(
    h('strong', {}, `${t('ev.route')} · ${t('ev.route_hits', { n: doc.hits.length })}`),
    h('ol', { class: 'route-hits' }, doc.hits.map((hit) => h('li', { dataset: { cameraId: hit.camera_id } },
      `${kst(hit.seen_at)} · `, val(hit.camera_id, 'camera'), hit.address ? [' · ', val(hit.address, 'address')] : ''))),
    doc.missing && doc.missing.length
      ? h('p', { class: 'muted small' }, `${t('ev.route_missing')}: ${doc.missing.map((m) => t(`ev.missing.${m.split(':')[0]}`)).join(', ')}`)
      : null);
}

function requestLine(request) {
  const state = request.state;
  const stills = request.files.filter((f) => f.media_type === 'image/jpeg');
  const routeFiles = request.files.filter((f) => f.form === 'route');
  const items = request.items.map((item) => t(`ev.item.${item.kind}`)).join(', ');
  return h('div', { class: `evidence-request ev-${state}`, dataset: { evidenceState: state, requestId: request.request_id } },
    h('p', { class: 'evidence-state' }, h('strong', {}, t(`ev.state.${state}`)), ` · ${items} · ${kst(request.requested_at)}`),
    state === 'denied' || state === 'refused'
      // A denial is worded by the center's operator (data); a refusal by this service.
      ? (state === 'denied'
        ? h('p', { class: 'evidence-reason', role: 'note', dataset: { value: 'reason' } }, request.denial_reason || '')
        // This service's own check refused the package: a sentence for the officer, the
        // check's technical words folded away for the administrator.
        : h('div', { class: 'evidence-reason', role: 'note' }, t('ev.refused_lead'),
          request.denial_reason ? h('details', { class: 'evidence-detail' },
            h('summary', {}, t('ev.refused_detail')), h('code', { dataset: { value: 'detail' } }, request.denial_reason)) : null))
      : null,
    request.withheld && request.withheld.length
      ? h('p', { class: 'evidence-withheld muted' }, `${t('ev.withheld')}: `,
        request.withheld.map((w, n) => [n ? '; ' : null, `${t(`ev.item.${request.items[w.item].kind}`)} — `, val(w.reason, 'reason')]))
      : null,
    stills.length ? h('div', { class: 'evidence-photos' }, stills.map(photo)) : null,
    routeFiles.map(route),
    state === 'received'
      ? h('p', { class: 'muted small' }, `${t('ev.expires')} ${kst(request.expires_at)} · ${t('ev.open_logged')}`)
      : null);
}

function field(label, input) {
  return h('label', { class: 'ev-field' }, h('span', {}, label), input);
}

function requestForm(card, box) {
  const hit = card.hit || {};
  const remembered = JSON.parse(sessionStorage.getItem('safenet.officer') || '{}');
  const photos = h('input', { type: 'checkbox', name: 'photos', checked: true });
  const routeBox = h('input', { type: 'checkbox', name: 'route', checked: true });
  const purpose = h('input', { type: 'text', name: 'purpose', maxlength: 2000, value: t('ev.purpose_default') });
  const rank = h('input', { type: 'text', name: 'rank', maxlength: 20, value: remembered.rank || '', dataset: { value: 'typed' } });
  const agency = h('input', { type: 'text', name: 'agency', maxlength: 100, value: remembered.agency || '', dataset: { value: 'typed' } });
  const dangerToLife = ['suicide_risk', 'missing_person', 'kidnapping'].includes(card.entry && card.entry.category);
  const basis = h('select', { name: 'basis' },
    ['7', '3', '2'].filter((n) => n !== '3' || dangerToLife)
      .map((n) => h('option', { value: n }, t(`ev.basis.${n}`))));
  const error = h('p', { class: 'action-error', role: 'alert' });
  const form = h('form', {
    class: 'evidence-form',
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      const items = [];
      if (photos.checked) items.push({ kind: 'scene_photos', hit_id: hit.hit_id, window_s: PHOTO_WINDOW_S });
      if (routeBox.checked) items.push({ kind: 'escape_route', hit_id: hit.hit_id });
      if (!items.length) {
        error.textContent = t('ev.none_chosen');
        return;
      }
      sessionStorage.setItem('safenet.officer', JSON.stringify({ rank: rank.value, agency: agency.value }));
      try {
        const made = await api('/api/v1/evidence/requests', {
          method: 'POST',
          body: {
            site: hit.site,
            entry_id: card.entryId,
            items,
            purpose: purpose.value.trim(),
            legal_basis: { kind: 'pipa_18_2', item: Number(basis.value) },
            rank: rank.value.trim(),
            agency: agency.value.trim(),
          },
        });
        forms.delete(card.key);
        byEntry.set(card.entryId, [made, ...(byEntry.get(card.entryId) || [])]);
        changed(card.entryId);
      } catch (exc) {
        const text = exc.message || '';
        const label = exc.field ? fieldLabel(exc.field) : '';
        const where = label && !text.includes(label) ? `${label}: ` : '';
        error.textContent = `${t('error.generic')} — ${where}${text}`;
      }
    },
  },
  h('label', { class: 'ev-check' }, photos, t('ev.photos', { s: PHOTO_WINDOW_S })),
  h('label', { class: 'ev-check' }, routeBox, t('ev.route')),
  field(t('ev.purpose'), purpose),
  h('div', { class: 'row' }, field(t('ev.rank'), rank), field(t('ev.agency'), agency)),
  field(t('ev.basis'), basis),
  h('div', { class: 'row' },
    h('button', { type: 'submit', class: 'primary', dataset: { action: 'evidence-send' } }, t('ev.send')),
    h('button', {
      type: 'button',
      onclick: () => { forms.delete(card.key); changed(card.entryId); },
    }, t('ev.cancel'))),
  error);
  return form;
}

// The evidence part of one hit's card.
export function evidenceBlock(card, responder) {
  ensureLoaded(card.entryId);
  const box = h('div', { class: 'evidence', dataset: { hitKey: card.key } });
  const mine = requestsOf(card);
  const ref = card.hit && card.hit.snapshot_ref;
  box.append(h('p', { class: 'snapshot-line' }, h('strong', {}, `${t('alert.snapshot')}: `),
    ref ? t('alert.snapshot_at_center', { ref }) : t('alert.no_snapshot')));
  for (const request of mine) box.append(requestLine(request));
  if (responder && card.hit && card.hit.hit_id) {
    const open = forms.get(card.key);
    if (open) box.append(open);
    else {
      box.append(h('button', {
        type: 'button', class: 'evidence-button', dataset: { action: 'evidence-request' },
        onclick: () => {
          const form = requestForm(card, box);
          forms.set(card.key, form);
          box.querySelector('.evidence-button').replaceWith(form);
          form.querySelector('input[name=rank]').focus();
        },
      }, t('ev.request')));
    }
  }
  return box;
}
