// Times as the consoles show them: Asia/Seoul, e.g. "2026-11-25 21:03:12 KST".
import { t } from './i18n.js';

const FORMAT = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Seoul',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function parts(value) {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const out = {};
  for (const p of FORMAT.formatToParts(date)) out[p.type] = p.value;
  return out;
}

export function kst(value) {
  const p = parts(value);
  if (!p) return '—';
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} KST`;
}

export function kstClock(value) {
  const p = parts(value);
  return p ? `${p.hour}:${p.minute}:${p.second}` : '—';
}

export function ago(value, now = Date.now()) {
  if (!value) return '';
  const seconds = Math.round((now - new Date(value).getTime()) / 1000);
  if (seconds < 5) return t('time.now');
  if (seconds < 60) return t('time.seconds', { n: seconds });
  if (seconds < 3600) return t('time.minutes', { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t('time.hours', { n: Math.floor(seconds / 3600) });
  return t('time.days', { n: Math.floor(seconds / 86400) });
}
