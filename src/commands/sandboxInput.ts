import { isLoopbackHost } from '../api/proxy';
import type { L10n } from '../views/l10n';

/** The API's limits (src/api/types has the same numbers once the sandbox calls land). */
export const TASK_ID_MAX = 255;
export const TTL_MIN_SECONDS = 60;
export const TTL_MAX_SECONDS = 86400;
/** More variables than this are refused: a sandbox is not a place for a whole .env file typed by hand. */
export const MAX_ENV_VARS = 50;

/** Why a task id is refused, or undefined when it is fine (for the input box's live validation). */
export function validateTaskId(value: string, l10n: L10n): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) {
    return l10n.t('Enter a task id, such as agent-42 or pr-1234.');
  }
  if (trimmed.length > TASK_ID_MAX) {
    return l10n.t('Use at most {0} characters (this is {1}).', TASK_ID_MAX, trimmed.length);
  }
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    return l10n.t('A task id cannot contain control characters.');
  }
  return undefined;
}

/** The default task id: the folder's name made id-like, then a short random suffix (`my-app-3f9k`). */
export function defaultTaskId(folderName: string | undefined, suffix: string): string {
  const slug = (folderName ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${slug || 'sandbox'}-${suffix}`;
}

/** The TTLs offered, from the documented recommendations; `undefined` seconds = no limit. */
export interface TtlChoice {
  readonly seconds: number | undefined;
  readonly use: string;
}

export function ttlChoices(l10n: L10n): TtlChoice[] {
  return [
    { seconds: 120, use: l10n.t('one execution') },
    { seconds: 300, use: l10n.t('an agent step') },
    { seconds: 1800, use: l10n.t('a multi-step session') },
    { seconds: 3600, use: l10n.t('a REPL') },
    { seconds: 14400, use: l10n.t('a workshop') },
    { seconds: 86400, use: l10n.t('a PR preview') },
    { seconds: undefined, use: l10n.t('lives until destroyed (or the image default TTL)') },
  ];
}

/** Why a custom TTL is refused, or undefined when it is a whole number of seconds in 60–86400. */
export function validateTtl(value: string, l10n: L10n): string | undefined {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < TTL_MIN_SECONDS || Number(trimmed) > TTL_MAX_SECONDS) {
    return l10n.t('Enter a whole number of seconds from {0} to {1}.', TTL_MIN_SECONDS, TTL_MAX_SECONDS);
  }
  return undefined;
}

/** One `KEY=VALUE`: the key a shell would accept, the value anything (even empty). */
export function parseEnvVar(value: string): { key: string; value: string } | undefined {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  return match ? { key: match[1], value: match[2] } : undefined;
}

export function validateEnvVar(value: string, l10n: L10n): string | undefined {
  if (!value.trim()) {
    return undefined;
  }
  return parseEnvVar(value) ? undefined : l10n.t('Use the form KEY=VALUE, with a key of letters, digits and _ (not starting with a digit).');
}

/**
 * The sandbox URL if the editor may open it: https, or http only to this
 * machine. Anything else (javascript:, file:, a command: link, plain http to
 * another host) is refused.
 */
export function openableSandboxUrl(raw: string | undefined): string | undefined {
  if (!raw) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.username || url.password) {
    return undefined;
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return url.toString();
  }
  return undefined;
}

/** Invisible characters that could disguise text in an editor; written as JSON escapes, which read the same to a parser. */
const DISGUISING = /[\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** The detail JSON as the read-only editor shows it: indented, invisible characters made visible. */
export function detailsJson(json: unknown): string {
  const text = JSON.stringify(json, null, 2) ?? 'null';
  return `${text.replace(DISGUISING, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** A file name for the details tab, from the task id: safe characters only, never empty. */
export function detailsFileName(taskId: string): string {
  const safe = taskId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 60);
  return `${safe || 'sandbox'}.json`;
}
