// Form fields with an error slot each, so that every problem the server names
// (422 with details.problems[{field, code, params}]) is shown next to its own field,
// worded from the catalogue in the reader's language (lib/api.js errorText).
import { fieldLabel, problemText } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

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
  const problems = error.problems && error.problems.length ? error.problems : null;
  const leftovers = [];
  let first = null;
  for (const problem of problems || [{ field: error.field || '' }]) {
    const reason = problems ? problemText(problem) : (error.message || t('error.generic'));
    const name = String(problem.field || '');
    const slot = slotFor(root, name);
    if (!slot) {
      const label = name ? fieldLabel(name) : '';
      leftovers.push(label && !reason.includes(label) ? `${label}: ${reason}` : reason);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} · ${reason}` : reason;
    const wrap = slot.closest('[data-field-wrap]');
    if (wrap) wrap.classList.add('invalid');
    const control = root.querySelector(`[data-field="${CSS.escape(slot.dataset.errorFor)}"]`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      first = first || control;
    }
  }
  // Several problems at once: the summary ("fix the 3 marked items") leads the leftovers.
  if (problems && problems.length > 1 && error.key) leftovers.unshift(error.message);
  if (fallback) fallback.textContent = leftovers.join(' · ');
  if (first) first.focus();
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
