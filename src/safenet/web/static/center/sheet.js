// The candidate detail as a full-screen sheet on a phone (issue 18): on a narrow screen
// choosing a candidate opens its detail over the list, with a back button at the top
// and Confirm/Reject in a bar fixed at the bottom; Escape or the back button closes it
// and focus returns to the candidate it came from. On a wide screen the detail sits
// beside the list and nothing here changes the page.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export const NARROW = '(max-width: 760px)';

export function createSheet({ pane, behind }) {
  const query = window.matchMedia(NARROW);
  let open = false;
  let returnTo = null; // () => the element focus goes back to

  function narrow() {
    return query.matches;
  }

  function setOpen(next) {
    open = next;
    document.body.classList.toggle('sheet-open', open);
    pane.dataset.sheet = open ? 'open' : 'closed';
    if (open) {
      pane.setAttribute('role', 'dialog');
      pane.setAttribute('aria-modal', 'true');
      pane.setAttribute('aria-labelledby', 'sheet-title');
    } else {
      pane.removeAttribute('role');
      pane.removeAttribute('aria-modal');
      pane.removeAttribute('aria-labelledby');
    }
    // What lies under the sheet can be neither reached with Tab nor read out.
    for (const el of behind) el.inert = open;
  }

  // The sheet's own top line: back to the list, and what it shows.
  function head(title) {
    return h('div', { class: 'sheet-head' },
      h('button', { type: 'button', class: 'sheet-close', id: 'sheet-close', onclick: () => close() }, t('phone.back')),
      h('span', { class: 'sheet-title', id: 'sheet-title', dataset: { value: 'plate' } }, title));
  }

  // Opens the sheet on a phone (a no-op on a wide screen) and moves focus into it.
  function show(back) {
    if (!narrow()) return;
    returnTo = back;
    setOpen(true);
    focusInside();
  }

  function focusInside() {
    const button = pane.querySelector('#sheet-close');
    if (button) button.focus();
  }

  function close() {
    if (!open) return;
    setOpen(false);
    const target = returnTo && returnTo();
    if (target) target.focus();
  }

  query.addEventListener('change', () => {
    if (!narrow() && open) setOpen(false);
  });
  setOpen(false);

  return {
    narrow,
    head,
    show,
    close,
    focusInside,
    isOpen: () => open,
  };
}
