// Form fields with an error slot each, so that every problem the server names
// (422 with details.problems[{field, reason}]) is shown next to its own field.
import { h } from './dom.js';
import { has, t } from './i18n.js';

export function field(name, labelKey, control, hintKey) {
  const id = `f-${name.replace(/\./g, '-')}-${Math.random().toString(36).slice(2, 7)}`;
  control.id = id;
  control.name = name;
  control.dataset.field = name;
  const error = h('p', { class: 'field-error', role: 'alert', dataset: { errorFor: name }, id: `${id}-error` });
  control.setAttribute('aria-describedby', `${id}-error`);
  return h('div', { class: 'field', dataset: { fieldWrap: name } },
    h('label', { for: id }, t(labelKey)),
    control,
    hintKey ? h('p', { class: 'hint' }, t(hintKey)) : null,
    error);
}

export function clearErrors(root) {
  for (const el of root.querySelectorAll('[data-error-for]')) el.textContent = '';
  for (const el of root.querySelectorAll('.invalid')) el.classList.remove('invalid');
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

// Puts each problem next to its field; those with no field of their own go to `fallback`.
export function showErrors(root, error, fallback) {
  const problems = error.problems && error.problems.length
    ? error.problems : [{ field: error.field || '', reason: error.message || t('error.generic') }];
  const leftovers = [];
  let first = null;
  for (const raw of problems) {
    const problem = { ...raw, reason: reasonOf(raw) };
    const name = String(problem.field || '');
    const slot = slotFor(root, name);
    if (!slot) {
      leftovers.push(name ? `${name}: ${problem.reason}` : problem.reason);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} · ${problem.reason}` : problem.reason;
    const wrap = slot.closest('[data-field-wrap]');
    if (wrap) wrap.classList.add('invalid');
    const control = root.querySelector(`[data-field="${CSS.escape(slot.dataset.errorFor)}"]`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      first = first || control;
    }
  }
  if (fallback) fallback.textContent = leftovers.join(' · ');
  if (first) first.focus();
}

// A problem the server names with a catalogue code is read from the catalogue, in the
// console's language; the others show the server's own reason.
function reasonOf(problem) {
  const key = problem.code ? `problem.${problem.code}` : '';
  if (!key || !has(key)) return problem.reason;
  const params = {};
  for (const [name, value] of Object.entries(problem.params || {})) {
    params[name] = typeof value === 'number' ? value.toLocaleString('ko-KR') : value;
  }
  return t(key, params);
}

// The slot for a field, or for the nearest parent ("vehicle.make" → "vehicle").
function slotFor(root, name) {
  let candidate = name;
  while (candidate) {
    const slot = root.querySelector(`[data-error-for="${CSS.escape(candidate)}"]`);
    if (slot) return slot;
    const cut = candidate.lastIndexOf('.');
    candidate = cut > 0 ? candidate.slice(0, cut) : '';
  }
  return null;
}
