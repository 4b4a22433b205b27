// The provision register (개인영상정보 제공 관리대장): every provided item with its
// recipient, purpose, legal basis, case and approver, filtered by period, case,
// requester and category; each search and download is recorded by the server.
import { boot } from '../lib/shell.js';
import { api, authHeaders } from '../lib/api.js';
import { $, clear, h, toast, val } from '../lib/dom.js';
import { CATEGORIES, category, onLang, t } from '../lib/i18n.js';
import { kst } from '../lib/time.js';
import { basisLabel } from './basis.js';

const COLUMNS = ['provided_at', 'form', 'cameras', 'range', 'files', 'recipient', 'purpose', 'basis', 'case', 'approver', 'until'];
let records = [];
const filters = {};

function day(offset) {
  const d = new Date(Date.now() + offset * 86400000 + 9 * 3600000);
  return d.toISOString().slice(0, 10);
}

// A date from the form is a day in KST.
function kstStart(value) {
  return value ? `${value}T00:00:00+09:00` : '';
}

function query() {
  const params = new URLSearchParams();
  if (filters.from) params.set('from', kstStart(filters.from));
  if (filters.to) params.set('to', kstStart(filters.to));
  for (const name of ['case_number', 'requester', 'category']) if (filters[name]) params.set(name, filters[name]);
  return params.toString();
}

function input(name, type, labelKey, value) {
  filters[name] = filters[name] ?? value;
  return h('label', { class: 'ev-field' }, h('span', {}, t(labelKey)),
    h('input', {
      type, name, value: filters[name] || '',
      oninput: (event) => { filters[name] = event.target.value; },
    }));
}

function renderFilters() {
  const form = $('#register-filters');
  clear(form);
  const select = h('select', { name: 'category', onchange: (event) => { filters.category = event.target.value; } },
    h('option', { value: '' }, t('reg.all')),
    CATEGORIES.map((c) => h('option', { value: c, selected: filters.category === c }, category(c))));
  form.append(
    input('from', 'date', 'reg.from', day(-30)),
    input('to', 'date', 'reg.to', day(1)),
    input('case_number', 'text', 'reg.case', ''),
    input('requester', 'text', 'reg.requester', ''),
    h('label', { class: 'ev-field' }, h('span', {}, t('reg.category')), select),
    h('button', { type: 'submit', class: 'primary', dataset: { action: 'search' } }, t('reg.search')),
    h('button', { type: 'button', dataset: { action: 'export' }, onclick: download }, t('reg.export')));
  form.onsubmit = (event) => { event.preventDefault(); load(); };
}

function cell(record, column) {
  switch (column) {
    case 'provided_at': return kst(record.provided_at);
    case 'form': return t(`form.${record.form}`);
    case 'cameras': return val(record.camera_ids.join(', '), 'camera');
    case 'range': return record.time_from ? `${kst(record.time_from)} – ${kst(record.time_to)}` : '—';
    case 'files': return String(record.files.length);
    case 'recipient': return val(`${record.recipient_agency} ${record.recipient_rank} ${record.recipient_name}`, 'person');
    case 'purpose': return val(record.purpose, 'purpose');
    case 'basis': return basisLabel(record.legal_basis);
    case 'case': return [val(record.case_number, 'case'), ` · ${category(record.category)}`];
    case 'approver': return [val(record.approver, 'user'), ` · ${kst(record.approved_at)}`];
    case 'until': return kst(record.period_until);
    default: return '';
  }
}

function renderTable() {
  const table = $('#register-table');
  const head = table.querySelector('thead');
  const body = table.querySelector('tbody');
  clear(head);
  clear(body);
  head.append(h('tr', {}, COLUMNS.map((c) => h('th', { scope: 'col' }, t(`reg.col.${c}`)))));
  for (const record of records) {
    body.append(h('tr', { dataset: { recordId: record.record_id } },
      COLUMNS.map((c) => h('td', { dataset: { col: c } }, cell(record, c)))));
  }
  $('#register-count').textContent = String(records.length);
  $('#register-empty').hidden = records.length > 0;
}

async function load() {
  try {
    const body = await api(`/api/v1/evidence/register?${query()}`);
    records = body.records;
    renderTable();
  } catch (exc) {
    toast(exc.message || t('error.generic'), 'error');
  }
}

async function download() {
  try {
    const response = await fetch(`/api/v1/evidence/register.csv?${query()}`, { headers: authHeaders(), cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: 'provision-register.csv' });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (exc) {
    toast(exc.message || t('error.generic'), 'error');
  }
}

async function main() {
  const ctx = await boot({ page: 'register' });
  if (!ctx) return;
  renderFilters();
  onLang(() => { renderFilters(); renderTable(); });
  await load();
  document.body.dataset.ready = '1';
}

main();
