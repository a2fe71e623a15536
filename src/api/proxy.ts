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
 *
 * A proxy the transport cannot use (SOCKS, another scheme, an unreadable
 * address) is reported, never skipped: a user who asked for a proxy must not
 * find requests going direct.
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
  /** Set when the configured proxy cannot be used: the request must fail, not go direct. */
  unusable?: UnusableProxy;
}

export interface UnusableProxy {
  /** Where the proxy came from, as the user would look for it: `http.proxy` or the variable's name (HTTPS_PROXY, https_proxy...). */
  source: string;
  /** `socks` for any SOCKS scheme, `scheme` for another unsupported one, `invalid` when it is no URL. */
  reason: 'socks' | 'scheme' | 'invalid';
  /** The unsupported scheme (`socks5:`, `ftp:`), never the rest of the URL (it may hold credentials). */
  scheme?: string;
}

export function isLoopbackHost(hostname: string): boolean {
  // A trailing dot is the same host (`localhost.`).
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/(?<=[a-z0-9])\.$/, '');
  // Only the literal name: `*.localhost` may resolve anywhere (RFC 6761 asks resolvers, not all obey).
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') {
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

/** The variable's value and the name it was found under (lower case wins, like curl). */
function envEntry(env: Record<string, string | undefined>, name: string): { name: string; value: string } | undefined {
  const found = env[name.toLowerCase()] !== undefined ? name.toLowerCase() : name.toUpperCase();
  const value = env[found];
  return value && value.trim() ? { name: found, value: value.trim() } : undefined;
}

function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  return envEntry(env, name)?.value;
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
function normalizeProxyUrl(raw: string): { url: string } | { reason: UnusableProxy['reason']; scheme?: string } {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1].toLowerCase();
  if (scheme?.startsWith('socks')) {
    // undici 6 has no SOCKS client.
    return { reason: 'socks', scheme: `${scheme}:` };
  }
  let url: URL;
  try {
    url = new URL(scheme ? raw : `http://${raw}`);
  } catch {
    return { reason: 'invalid' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { reason: 'scheme', scheme: url.protocol };
  }
  return url.hostname ? { url: url.href } : { reason: 'invalid' };
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
    ? envEntry(settings.env, 'https_proxy') ?? envEntry(settings.env, 'all_proxy')
    : envEntry(settings.env, 'http_proxy') ?? envEntry(settings.env, 'all_proxy');
  const chosen = setting ? { name: 'http.proxy', value: setting } : fromEnv;
  if (!chosen) {
    return { strictSSL };
  }
  const proxy = normalizeProxyUrl(chosen.value);
  if ('url' in proxy) {
    return { proxyUrl: proxy.url, strictSSL };
  }
  return { strictSSL, unusable: { source: chosen.name, ...proxy } };
}
