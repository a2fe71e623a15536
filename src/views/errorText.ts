import { isModboxError, MAX_DETAIL } from '../api/errors';
import { messageText } from '../util/untrustedText';
import type { L10n } from './l10n';

/** Longest automatic wait after a 429; a longer Retry-After is left to the user's Retry. */
const MAX_AUTOMATIC_WAIT_MS = 60_000;
/** Wait when a 429 carries no Retry-After. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 5_000;

/**
 * Words for the user. ModboxError messages are written for users and carry no
 * secrets; anything else is a bug whose text may not be meant for users, so it
 * gets a generic sentence (the full error goes to the log). The result can
 * quote the server, so it is message text: safe in a notification.
 */
export function errorReason(err: unknown, l10n: L10n): string {
  if (isModboxError(err)) {
    // `detail` is the server's own (sanitized) words; add them when the message does not already say them.
    const message = messageText(err.message, 2 * MAX_DETAIL);
    const detail = err.detail && messageText(err.detail, MAX_DETAIL);
    return detail && !message.includes(detail) ? l10n.t('{0} (Modbox said: {1})', message, detail) : message;
  }
  return somethingWentWrong(l10n);
}

/** What the user reads when a bug, not Modbox, made something fail (details go to the log). */
export function somethingWentWrong(l10n: L10n): string {
  return l10n.t('Something went wrong. See the Modbox log for details.');
}

/** A list that could not be loaded, in a view row or a picker's error message. */
export function loadFailedText(list: 'workspaces' | 'apiTokens', reason: string, l10n: L10n): string {
  return list === 'workspaces'
    ? l10n.t("Couldn't load workspaces: {0}", reason)
    : l10n.t("Couldn't load API tokens: {0}", reason);
}

/** The wait after a rate limit, in a view row or a notification. */
export function busyText(ms: number, l10n: L10n): string {
  return l10n.t('Modbox is busy. Retrying in {0} s…', waitSeconds(ms));
}

/** How long to wait before a view's automatic retry of a read, or undefined for "don't". */
export function automaticRetryDelay(err: unknown): number | undefined {
  if (!isModboxError(err) || err.kind !== 'rateLimited') {
    return undefined;
  }
  const wait = err.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
  return wait <= MAX_AUTOMATIC_WAIT_MS ? Math.max(0, wait) : undefined;
}

/** Whole seconds for "Retrying in 5 s…", never 0. */
export function waitSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
