import { ModboxError } from './errors';
import { isLoopbackHost } from './proxy';

export type ApiUrlResult = { ok: true; url: URL } | { ok: false; message: string };

/**
 * Validates the `modbox.apiUrl` setting. Tokens are sent to this URL, so only
 * https is allowed, except plain http to this machine (a local server or the
 * emulator).
 */
export function parseApiUrl(raw: string): ApiUrlResult {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!text) {
    return { ok: false, message: 'The Modbox API URL is empty. Set modbox.apiUrl to https://api.modbox.run.' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: 'The Modbox API URL is not a valid URL. Use the form https://api.modbox.run.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: 'The Modbox API URL must start with https://.' };
  }
  if (!url.hostname) {
    return { ok: false, message: 'The Modbox API URL has no host name.' };
  }
  if (url.username || url.password) {
    return { ok: false, message: "The Modbox API URL must not contain a user name or password." };
  }
  if (url.search || url.hash || text.includes('?') || text.includes('#')) {
    return { ok: false, message: 'The Modbox API URL must not contain a query (?...) or fragment (#...).' };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { ok: false, message: `The Modbox API URL must use https:// (plain http is only allowed for this machine, not ${url.hostname}).` };
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return { ok: true, url };
}

/**
 * One server, one key (stored sessions, the active workspace):
 * `https://API.modbox.run/` and `https://api.modbox.run` are the same server,
 * a different host, port or path is not.
 */
export function normalizeApiUrl(apiUrl: string): string {
  const trimmed = apiUrl.trim();
  try {
    const url = new URL(trimmed);
    const path = url.pathname.replace(/\/+$/, '');
    return `${url.protocol}//${url.host}${path}`;
  } catch {
    return trimmed.replace(/\/+$/, '');
  }
}

/** The API URL as text without a trailing slash, ready for joining paths. */
export function apiBase(url: URL): string {
  return url.href.replace(/\/+$/, '');
}

/** Why nothing is sent to an unusable `modbox.apiUrl`, as the error every call and sign-in reports. */
export function unusableApiUrlError(message: string): ModboxError {
  return new ModboxError('insecureUrl', `${message} Change the modbox.apiUrl setting.`);
}
