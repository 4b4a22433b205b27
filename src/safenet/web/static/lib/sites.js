// Sites as a person reads them: 강남구 / Gangnam-gu where the link says `gangnam`. The
// names come from config.json's `sites` (settings, the centers' heartbeats, the default
// table); a site with no name shows its id. The id stays in the tooltip only.
import { h } from './dom.js';
import { lang } from './i18n.js';

const NAMES = new Map();

export function setSites(list) {
  NAMES.clear();
  for (const site of list || []) if (site && site.id) NAMES.set(site.id, site);
}

// The site's name in the chosen language (its id when no name is known).
export function siteName(id) {
  if (!id) return '';
  const site = NAMES.get(id);
  if (!site) return id;
  return (lang() === 'en' ? site.name_en : site.name_ko) || id;
}

// The site's name as a page element: data (a place name), with the id as its tooltip.
export function siteLabel(id) {
  return h('span', { class: 'site-name', dataset: { value: 'site', site: id || '' }, title: id || null }, siteName(id));
}
