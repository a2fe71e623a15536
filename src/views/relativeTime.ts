import type { L10n } from './l10n';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

/** Milliseconds since the epoch, or undefined for a missing or unparseable server date. */
export function parseServerDate(value: string | null | undefined): number | undefined {
  if (!value) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * "just now", "5 minutes ago", "3 days ago", ... A date slightly in the future
 * (clock skew between server and machine) reads as "just now" rather than
 * "in 2 minutes". Callers pass one `now` for a whole list so items agree.
 */
export function formatRelativeTime(then: number, now: number, l10n: L10n): string {
  const elapsed = Math.max(0, now - then);
  if (elapsed < MINUTE) {
    return l10n.t('just now');
  }
  if (elapsed < HOUR) {
    const n = Math.floor(elapsed / MINUTE);
    return n === 1 ? l10n.t('1 minute ago') : l10n.t('{0} minutes ago', n);
  }
  if (elapsed < DAY) {
    const n = Math.floor(elapsed / HOUR);
    return n === 1 ? l10n.t('1 hour ago') : l10n.t('{0} hours ago', n);
  }
  if (elapsed < MONTH) {
    const n = Math.floor(elapsed / DAY);
    return n === 1 ? l10n.t('yesterday') : l10n.t('{0} days ago', n);
  }
  if (elapsed < YEAR) {
    const n = Math.floor(elapsed / MONTH);
    return n === 1 ? l10n.t('1 month ago') : l10n.t('{0} months ago', n);
  }
  const n = Math.floor(elapsed / YEAR);
  return n === 1 ? l10n.t('1 year ago') : l10n.t('{0} years ago', n);
}

/** An absolute date for tooltips: ISO calendar date and UTC time, the same in every locale and test run. */
export function formatAbsoluteDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
