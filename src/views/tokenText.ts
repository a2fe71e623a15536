import type { L10n } from './l10n';
import { API_TOKEN_PREFIX } from '../util/secretShapes';
import { labelText, markdownText } from '../util/untrustedText';
import { formatAbsoluteDate, formatRelativeTime, parseServerDate } from './relativeTime';

/** The fields of an API token the views read (structurally `ApiToken` from src/api/types). */
export interface TokenFields {
  readonly id: string;
  readonly description: string;
  readonly tokenPrefix?: string;
  readonly createdAt?: string;
  readonly lastUsedAt?: string | null;
}

/** What a tree item shows for one token, computed without any async work. */
export interface TokenText {
  readonly label: string;
  readonly description: string;
}

/** How many characters of a prefix to show: "mbx_" plus four, even if a server sends more. */
const PREFIX_CHARS = API_TOKEN_PREFIX.length + 4;

export function maskPrefix(prefix: string | undefined): string | undefined {
  if (!prefix) {
    return undefined;
  }
  return `${prefix.slice(0, PREFIX_CHARS)}…`;
}

/** Newest first; tokens without a readable creation date go last, ties keep the server's order. */
export function sortTokensNewestFirst<T extends TokenFields>(tokens: readonly T[]): T[] {
  const keyed = tokens.map((token, index) => ({ token, index, created: parseServerDate(token.createdAt) ?? -Infinity }));
  keyed.sort((a, b) => (b.created - a.created) || (a.index - b.index));
  return keyed.map((k) => k.token);
}

/** The description as tree label text (see labelText); wrap it in messageText for messages and quick picks. */
export function tokenLabel(token: TokenFields, l10n: L10n): string {
  return labelText(token.description) || l10n.t('(no description)');
}

/** `terminal`: this is the token signed-in terminals use (marked so nobody revokes it by surprise). */
export function tokenText(token: TokenFields, now: number, l10n: L10n, terminal = false): TokenText {
  const created = parseServerDate(token.createdAt);
  const lastUsed = parseServerDate(token.lastUsedAt);
  const createdText = created === undefined ? l10n.t('unknown') : formatRelativeTime(created, now, l10n);
  const lastUsedText = lastUsed === undefined ? l10n.t('never') : formatRelativeTime(lastUsed, now, l10n);
  return {
    label: tokenLabel(token, l10n),
    description: terminal
      ? l10n.t('terminal · created {0} · last used {1}', createdText, lastUsedText)
      : l10n.t('created {0} · last used {1}', createdText, lastUsedText),
  };
}

/** Markdown for the hover, with all server text escaped; built only when the user hovers. */
export function tokenTooltip(token: TokenFields, l10n: L10n): string {
  const created = parseServerDate(token.createdAt);
  const lastUsed = parseServerDate(token.lastUsedAt);
  const maskedPrefix = maskPrefix(token.tokenPrefix);
  const lines = [`**${markdownText(tokenLabel(token, l10n))}**`];
  if (maskedPrefix) {
    lines.push(l10n.t('Token: {0}', markdownText(maskedPrefix)));
  }
  lines.push(l10n.t('Created: {0}', created === undefined ? l10n.t('unknown') : formatAbsoluteDate(created)));
  lines.push(l10n.t('Last used: {0}', lastUsed === undefined ? l10n.t('never') : formatAbsoluteDate(lastUsed)));
  lines.push(l10n.t('ID: {0}', markdownText(token.id)));
  return lines.join('\n\n');
}
