// A legal basis as a person reads it, from the register's stored wording or a request's.
import { t } from '../lib/i18n.js';

export function basisLabel(basis) {
  if (!basis) return '—';
  if (basis.kind === 'warrant') return t('basis.warrant', { n: basis.number });
  return t('basis.pipa', { n: basis.item });
}
