// The wanted registry pages: register (registrar), approve (another officer), renew,
// lift or resolve, and which hotlist version each center runs. The server decides
// everything (lawful-basis gate, two-person rule, roles); this page shows its answers,
// each problem next to the field it names.
import { boot } from '../lib/shell.js';
import { api } from '../lib/api.js';
import { $, clear, h, toast, val } from '../lib/dom.js';
import { siteLabel } from '../lib/sites.js';
import { BODY_TYPES, CATEGORIES, COLOURS, category, onLang, t } from '../lib/i18n.js';
import { clearErrors, field, showErrors } from '../lib/forms.js';
import { kst, ago } from '../lib/time.js';

let filter = 'pending';
let entries = [];

// A choice of the controlled vocabulary: the centers compare it with what cameras see.
function vocabularySelect(codes, prefix) {
  return h('select', {},
    h('option', { value: '' }, t('field.unknown')),
    ...codes.map((c) => h('option', { value: c }, t(`${prefix}.${c}`))));
}

function registerForm() {
  const form = $('#register-form');
  clear(form);
  const select = h('select', {},
    h('option', { value: '' }, t('field.choose')),
    CATEGORIES.map((c) => h('option', { value: c }, `${t(`cat.${c}`)}`)));
  const general = h('p', { class: 'form-error', role: 'alert', id: 'register-error' });
  form.append(
    field('plate', 'field.plate', h('input', { type: 'text', class: 'plate-input', autocomplete: 'off', maxlength: 40 }), 'field.plate_hint'),
    field('category', 'field.category', select),
    field('case_number', 'field.case_number', h('input', { type: 'text', autocomplete: 'off', maxlength: 64 })),
    field('reason', 'field.reason', h('textarea', { rows: 3, maxlength: 2000 })),
    h('fieldset', { class: 'vehicle', dataset: { fieldWrap: 'vehicle' } },
      h('legend', {}, t('field.vehicle')),
      h('div', { class: 'three' },
        field('vehicle.make', 'field.make', h('input', { type: 'text', maxlength: 60 })),
        field('vehicle.model', 'field.model', h('input', { type: 'text', maxlength: 60 })),
        field('vehicle.colour', 'field.colour', vocabularySelect(COLOURS, 'colour')),
        field('vehicle.type', 'field.type', vocabularySelect(BODY_TYPES, 'body'))),
      h('p', { class: 'field-error', role: 'alert', dataset: { errorFor: 'vehicle' } })),
    field('expires_in_hours', 'field.expires_in_hours', h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric' }), 'field.expires_hint'),
    general,
    h('button', { type: 'submit', class: 'primary big', id: 'register-submit' }, t('wanted.submit')));
  form.onsubmit = async (event) => {
    event.preventDefault();
    clearErrors(form);
    general.textContent = '';
    const value = (name) => form.querySelector(`[data-field="${name}"]`).value.trim();
    const hours = value('expires_in_hours');
    const body = {
      plate: value('plate') || null,
      category: value('category') || null,
      case_number: value('case_number') || null,
      reason: value('reason') || null,
      vehicle: {
        make: value('vehicle.make'),
        model: value('vehicle.model'),
        colour: value('vehicle.colour'),
        type: value('vehicle.type'),
      },
    };
    if (hours) body.expires_in_hours = Number(hours);
    try {
      const entry = await api('/api/v1/wanted', { method: 'POST', body });
      toast(`${entry.plate} — ${t('wanted.registered')}`, 'ok');
      form.reset();
      filter = 'pending';
      await loadEntries();
    } catch (exc) {
      showErrors(form, exc, general);
    }
  };
}

function tabs() {
  const box = $('#entry-tabs');
  clear(box);
  for (const name of ['pending', 'active', 'all']) {
    box.append(h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(filter === name), class: filter === name ? 'current' : null,
      dataset: { filter: name },
      onclick: () => { filter = name; loadEntries(); },
    }, t(`wanted.filter.${name}`)));
  }
}

async function act(entry, action, body, error, form) {
  error.textContent = '';
  if (form) clearErrors(form);
  try {
    const result = await api(`/api/v1/wanted/${encodeURIComponent(entry.entry_id)}/${action}`, { method: 'POST', body });
    if (action === 'approve') toast(`${result.plate} — ${t('wanted.approved', { v: result.hotlist_version })}`, 'ok');
    else toast(`${result.plate} — ${t(action === 'renew' ? 'wanted.renewed' : 'wanted.ended')}`, 'ok');
    await Promise.all([loadEntries(), loadCenters()]);
    // The centers acknowledge a new version within moments: look again soon.
    for (const ms of [300, 800, 1500, 2500]) setTimeout(loadCenters, ms);
  } catch (exc) {
    if (form) showErrors(form, exc, error);
    else error.textContent = exc.message || t('error.generic');
  }
}

function renewForm(entry, error) {
  const form = h('form', { class: 'inline-form renew-form', hidden: true, novalidate: true },
    field('reason', 'wanted.end_reason', h('input', { type: 'text', maxlength: 2000 })),
    field('expires_in_hours', 'wanted.new_hours', h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric' })),
    h('button', { type: 'submit', class: 'primary' }, t('wanted.send')));
  form.onsubmit = (event) => {
    event.preventDefault();
    const hours = form.querySelector('[data-field="expires_in_hours"]').value.trim();
    const body = { reason: form.querySelector('[data-field="reason"]').value.trim() || null };
    if (hours) body.expires_in_hours = Number(hours);
    act(entry, 'renew', body, error, form);
  };
  return form;
}

function endForm(entry, error) {
  const form = h('form', { class: 'inline-form end-form', hidden: true, novalidate: true },
    field('reason', 'wanted.end_reason', h('input', { type: 'text', maxlength: 2000 })));
  const reason = () => ({ reason: form.querySelector('[data-field="reason"]').value.trim() || null });
  form.append(h('div', { class: 'row' },
    h('button', { type: 'button', class: 'danger', dataset: { action: 'send-cancel' }, onclick: () => act(entry, 'cancel', reason(), error, form) }, t('wanted.cancel')),
    h('button', { type: 'button', dataset: { action: 'send-resolve' }, onclick: () => act(entry, 'resolve', reason(), error, form) }, t('wanted.resolve'))));
  form.onsubmit = (event) => { event.preventDefault(); act(entry, 'cancel', reason(), error, form); };
  return form;
}

function entryCard(entry) {
  const error = h('p', { class: 'action-error', role: 'alert' });
  const renew = renewForm(entry, error);
  const end = endForm(entry, error);
  const toggle = (shown, hidden) => () => { shown.hidden = !shown.hidden; hidden.hidden = true; };
  const live = entry.status === 'pending' || entry.status === 'active';
  return h('li', { class: `entry-card status-${entry.status}`, dataset: { entryId: entry.entry_id, status: entry.status } },
    h('div', { class: 'card-top' },
      h('span', { class: 'plate', dataset: { value: 'plate' } }, entry.plate),
      h('span', { class: `badge badge-status-${entry.status}` }, t(`status.${entry.status}`)),
      h('strong', {}, category(entry.category))),
    h('p', { class: 'meta' }, `${t('alert.case')} `, val(entry.case_number, 'case'),
      entry.vehicle_text ? [' · ', val(entry.vehicle_text, 'vehicle')] : ''),
    entry.specificity ? h('p', { class: 'meta', dataset: { specificity: entry.specificity.one_in } },
      t('wanted.specificity', {
        one_in: entry.specificity.one_in.toLocaleString('ko-KR'),
        vehicles: entry.specificity.vehicles.toLocaleString('ko-KR'),
      }),
      entry.hold_hits ? ` · ${t('wanted.held')}` : '') : null,
    h('p', { class: 'meta muted' },
      `${t('wanted.registrar')}: `, val(entry.registrar_name, 'person'), ' (', val(entry.registrar, 'user'), `) · ${kst(entry.created_at)}`),
    entry.approver ? h('p', { class: 'meta muted' },
      `${t('wanted.approver')}: `, val(entry.approver_name, 'person'), ' (', val(entry.approver, 'user'), `) · ${kst(entry.approved_at)}`) : null,
    h('p', { class: 'meta' }, `${t('wanted.expires')}: ${kst(entry.expires_at)}`,
      entry.end_reason ? [' · ', val(entry.end_reason, 'reason')] : ''),
    live ? h('div', { class: 'row card-actions' },
      entry.status === 'pending' ? h('button', {
        type: 'button', class: 'primary', dataset: { action: 'approve' },
        onclick: () => act(entry, 'approve', undefined, error),
      }, t('wanted.approve')) : null,
      h('button', { type: 'button', dataset: { action: 'renew' }, onclick: toggle(renew, end) }, t('wanted.renew')),
      h('button', { type: 'button', class: 'danger-outline', dataset: { action: 'end' }, onclick: toggle(end, renew) }, `${t('wanted.cancel')} / ${t('wanted.resolve')}`)) : null,
    error,
    renew,
    end);
}

async function loadEntries() {
  tabs();
  const query = filter === 'all' ? '' : `?status=${filter}`;
  const list = $('#entry-list');
  try {
    entries = (await api(`/api/v1/wanted${query}`)).entries;
  } catch (exc) {
    toast(exc.message || t('error.generic'), 'error');
    return;
  }
  clear(list);
  if (!entries.length) list.append(h('li', { class: 'empty' }, t('wanted.empty')));
  for (const entry of entries) list.append(entryCard(entry));
}

async function loadCenters() {
  let body;
  try {
    body = await api('/api/v1/centers');
  } catch {
    return;
  }
  $('#centers-current').textContent = t('centers.current', { v: body.version });
  const table = $('#centers-table');
  clear(table);
  table.append(h('thead', {}, h('tr', {},
    ['centers.site', 'centers.acked', 'centers.state', 'centers.entries', 'centers.acked_at', 'centers.heartbeat']
      .map((k) => h('th', { scope: 'col' }, t(k))))));
  const rows = body.centers.map((c) => {
    const state = c.acked_version === null || c.acked_version === undefined
      ? h('span', { class: 'badge badge-status-pending' }, t('centers.never'))
      : c.in_sync ? h('span', { class: 'badge badge-ok' }, `✓ ${t('centers.in_sync')}`)
        : h('span', { class: 'badge badge-status-pending' }, t('centers.behind', { n: c.behind_by }));
    return h('tr', { dataset: { site: c.site, ackedVersion: c.acked_version ?? '' } },
      h('th', { scope: 'row' }, siteLabel(c.site)),
      h('td', { class: 'version' }, c.acked_version === null ? '—' : t('centers.version', { v: c.acked_version })),
      h('td', {}, state),
      h('td', {}, c.acked_entry_count ?? '—'),
      h('td', {}, kst(c.acked_at)),
      h('td', {}, c.heartbeat_at ? ago(c.heartbeat_at) : '—'));
  });
  table.append(h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 6 }, t('centers.none')))));
}

async function main() {
  const ctx = await boot({ page: 'wanted' });
  if (!ctx) return;
  registerForm();
  onLang(() => { registerForm(); loadEntries(); loadCenters(); });
  await Promise.all([loadEntries(), loadCenters()]);
  setInterval(loadCenters, 3000);
  document.body.dataset.ready = '1';
}

main();
