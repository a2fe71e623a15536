/**
 * Decides whether a request goes through a proxy, following the common
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY conventions plus VS Code's settings.
 *
 * Precedence: `http.proxy` setting, then HTTPS_PROXY (https targets) or
 * HTTP_PROXY (http targets), lower-case variants winning ties like curl.
 * Exclusions: `http.noProxy` entries and NO_PROXY, comma or space separated:
 * `*` (everything), `host`, `.suffix` / `*.suffix` / `suffix` (domain and its
 * subdomains), `host:port`, IP literals. Loopback targets (localhost,
 * 127.0.0.0/8, ::1) always go direct: a local Modbox or emulator must never be
 * sent to a corporate proxy, which could not reach it anyway.
 */
export interface ProxySettings {
  httpProxySetting?: string;
  strictSSL?: boolean;
  noProxy?: string[];
  env: Record<string, string | undefined>;
}

export interface ProxyDecision {
  proxyUrl?: string;
  strictSSL: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  // A trailing dot is the same host (`localhost.`).
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/(?<=[a-z0-9])\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '0:0:0:0:0:0:0:1') {
    return true;
  }
  // WHATWG URLs write ::ffff:127.0.0.1 as ::ffff:7f00:1.
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(host);
  if (mappedHex) {
    return (parseInt(mappedHex[1], 16) >> 8) === 127;
  }
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) && v4.split('.').every((p) => Number(p) <= 255);
}

function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value && value.trim() ? value.trim() : undefined;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

function matchesNoProxy(target: URL, entries: string[]): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || defaultPort(target.protocol);
  for (const raw of entries) {
    let entry = raw.trim().toLowerCase();
    if (!entry) {
      continue;
    }
    if (entry === '*') {
      return true;
    }
    let entryPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1];
      entryPort = bracketed[2];
    } else if (/^[^:]+:\d+$/.test(entry)) {
      [entry, entryPort] = entry.split(':');
    }
    if (entryPort && entryPort !== port) {
      continue;
    }
    entry = entry.replace(/^\*?\./, '');
    if (host === entry || host.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}

function splitList(value: string | undefined): string[] {
  return value ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/** A proxy URL as typed by users: `host:port` means http://host:port. */
function normalizeProxyUrl(raw: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  try {
    const url = new URL(withScheme);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function resolveProxy(targetUrl: string | URL, settings: ProxySettings): ProxyDecision {
  const strictSSL = settings.strictSSL ?? true;
  const target = typeof targetUrl === 'string' ? new URL(targetUrl) : targetUrl;
  if (isLoopbackHost(target.hostname)) {
    return { strictSSL };
  }
  const noProxy = [...(settings.noProxy ?? []), ...splitList(envValue(settings.env, 'no_proxy'))];
  if (matchesNoProxy(target, noProxy)) {
    return { strictSSL };
  }
  const setting = settings.httpProxySetting?.trim();
  const fromEnv = target.protocol === 'https:'
    ? envValue(settings.env, 'https_proxy') ?? envValue(settings.env, 'all_proxy')
    : envValue(settings.env, 'http_proxy') ?? envValue(settings.env, 'all_proxy');
  const raw = setting || fromEnv;
  const proxyUrl = raw ? normalizeProxyUrl(raw) : undefined;
  return proxyUrl ? { proxyUrl, strictSSL } : { strictSSL };
}
