// The live page on a phone (issue 18): the map takes the screen under the top bar, the
// alert cards are one tab away (their count on the tab), and the legend is a strip above
// the map that opens and closes with a button, collapsed by default on a phone, so it
// never covers the map. On a wide screen the tabs are hidden, the map and the cards sit
// side by side and the legend, open by default, floats in the map's corner.
import { $ } from '../lib/dom.js';

const NARROW = '(max-width: 760px)';

export function phoneLayout(map) {
  const main = $('#main');
  const tabs = [...document.querySelectorAll('#view-tabs [role=tab]')];
  const box = $('#legend-box');
  const legend = $('#legend');
  const toggle = $('#legend-toggle');
  const query = window.matchMedia(NARROW);

  function show(view) {
    main.dataset.view = view;
    if (view === 'map') map.invalidateSize({ pan: false }); // it was hidden: size it now
    for (const tab of tabs) {
      const on = tab.dataset.view === view;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
    }
  }

  function expand(open) {
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    legend.hidden = !open;
  }

  for (const tab of tabs) {
    tab.addEventListener('click', () => show(tab.dataset.view));
    tab.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      event.preventDefault();
      const next = tabs[(tabs.indexOf(tab) + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      show(next.dataset.view);
      next.focus();
    });
  }
  toggle.addEventListener('click', () => expand(toggle.getAttribute('aria-expanded') !== 'true'));

  // A card's plate shows its hit on the map: on a phone that means the map tab, shown
  // (capture phase) before the card's own handler moves the map.
  $('#alert-list').addEventListener('click', (event) => {
    if (query.matches && event.target.closest('.card-locate')) show('map');
  }, true);

  // The tab carries the number of alerts; the legend strip is there only with tracks.
  const count = $('#alert-count');
  const tabCount = $('#tab-alert-count');
  const sync = () => {
    tabCount.textContent = count.textContent;
    box.hidden = legend.childElementCount === 0;
  };
  new MutationObserver(sync).observe(count, { childList: true, characterData: true, subtree: true });
  new MutationObserver(sync).observe(legend, { childList: true });
  sync();

  query.addEventListener('change', () => expand(!query.matches));
  expand(!query.matches);
  show('map');
}
