import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../util/clock';
import { systemClock } from '../../util/clock';
import type { Logger } from '../../log/logger';

export interface RelayOptions {
  /** Only loopback is ever allowed. */
  host?: '127.0.0.1';
  log: Logger;
  /**
   * Receives the raw `?query#fragment` text the page read from its address.
   * Return `false` to refuse it (e.g. unparseable) and keep waiting.
   */
  onParams: (raw: string) => boolean | void;
  timeoutMs: number;
  clock?: Clock;
}

export interface Relay {
  readonly port: number;
  /** `http://127.0.0.1:<port>/`; pass it through `asExternalUri` before use. */
  readonly url: string;
  /** Resolves once the server is closed (delivered, timed out or closed by hand). */
  readonly closed: Promise<void>;
  /**
   * Also accepts posts addressed to `externalUrl` (what `asExternalUri` made of
   * `url`): a host's proxy, such as code-server's `/proxy/<port>/`, passes the
   * browser's Host and Origin through.
   */
  allowExternalUrl(externalUrl: string): void;
  close(): Promise<void>;
}

export const MAX_RELAY_BODY = 16 * 1024;

/**
 * A one-shot HTTP server on 127.0.0.1 that serves a tiny page which reads its
 * own fragment (where the tokens arrive, and which browsers never send to a
 * server) and posts it back. Any path is served, because proxies such as
 * code-server's `/proxy/<port>/` rewrite it.
 *
 * A post is obeyed only if its Host (and Origin, when the browser sends one)
 * names the relay itself or the external address the browser was sent to, so
 * a page on another site (or a DNS-rebinding one) cannot post to it. A refused
 * post leaves the relay waiting for the real one.
 */
export function startRelay(options: RelayOptions): Promise<Relay> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const host = options.host ?? '127.0.0.1';
  let delivered = false;
  let closing: Promise<void> | undefined;
  // Filled once the port is known, and by allowExternalUrl.
  const hosts = new Set<string>();
  const origins = new Set<string>();

  const server = createServer((req, res) => {
    const method = req.method ?? '';
    if (method === 'GET') {
      servePage(res);
      return;
    }
    if (method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST', 'Content-Length': '0' }).end();
      return;
    }
    if (!fromAllowedPage(req)) {
      log.warn('The sign-in relay refused a post from another site.');
      refuse(req, res, 403);
      return;
    }
    if (delivered) {
      refuse(req, res, 410);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > MAX_RELAY_BODY) {
      refuse(req, res, 413);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      if (tooBig) return;
      size += chunk.length;
      if (size > MAX_RELAY_BODY) {
        tooBig = true;
        refuse(req, res, 413);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (tooBig || res.headersSent) return;
      if (delivered) {
        res.writeHead(410, { 'Content-Length': '0' }).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      let accepted: boolean | void;
      try {
        accepted = options.onParams(raw);
      } catch (err) {
        log.error(`The sign-in relay's handler failed: ${err instanceof Error ? err.message : String(err)}`);
        accepted = false;
      }
      if (accepted === false) {
        log.info('The sign-in relay received data it could not use; still waiting.');
        res.writeHead(400, { 'Content-Length': '0', 'Cache-Control': 'no-store' }).end();
        return;
      }
      delivered = true;
      // The body is never logged: it carries tokens.
      log.info('The sign-in relay received the browser callback.');
      res.writeHead(204, { 'Cache-Control': 'no-store' }).end(() => void close());
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  function fromAllowedPage(req: IncomingMessage): boolean {
    const host = req.headers.host?.toLowerCase();
    if (!host || !hosts.has(host)) {
      return false;
    }
    const origin = req.headers.origin;
    return origin === undefined || origins.has(origin.toLowerCase());
  }

  function allow(raw: string): void {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      log.warn('The sign-in relay was given an external address it cannot parse.');
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      return;
    }
    const defaultPort = u.protocol === 'https:' ? '443' : '80';
    hosts.add(u.host.toLowerCase());
    hosts.add(`${u.hostname}:${u.port || defaultPort}`.toLowerCase());
    origins.add(u.origin.toLowerCase());
  }

  function servePage(res: ServerResponse): void {
    const nonce = randomBytes(16).toString('base64');
    const body = relayPage(nonce);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(body).toString(),
      'Content-Security-Policy': [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(body);
  }

  function refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
    res.writeHead(status, { Connection: 'close', 'Content-Length': '0' }).end();
    req.resume();
  }

  let timer = { cancel: () => undefined as void };
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  function close(): Promise<void> {
    if (!closing) {
      timer.cancel();
      closing = new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => resolveClosed());
    }
    return closing;
  }

  return new Promise<Relay>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      server.on('error', (err) => log.error(`The sign-in relay failed: ${err.message}`));
      const port = (server.address() as AddressInfo).port;
      allow(`http://127.0.0.1:${port}/`);
      allow(`http://localhost:${port}/`);
      timer = clock.setTimeout(() => {
        if (!delivered) {
          log.info('The sign-in relay timed out.');
        }
        void close();
      }, options.timeoutMs);
      log.debug(`The sign-in relay listens on 127.0.0.1:${port}.`);
      resolve({ port, url: `http://127.0.0.1:${port}/`, closed, close, allowExternalUrl: allow });
    });
  });
}

function relayPage(nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Modbox sign-in</title>
<style nonce="${nonce}">
body { font-family: system-ui, sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em; line-height: 1.5; }
</style>
</head>
<body>
<h1>Modbox</h1>
<p id="msg">Finishing sign-in…</p>
<script nonce="${nonce}">
(function () {
  var msg = document.getElementById('msg');
  var hash = location.hash.replace(/^#/, '');
  var query = location.search.replace(/^\\?/, '');
  if (!hash && !query) {
    msg.textContent = 'No sign-in data reached this page. Return to VS Code and try again, or paste the address you were sent to.';
    return;
  }
  var failed = /(^|&)error=/.test(hash) || /(^|&)error=/.test(query);
  var body = (query ? '?' + query : '') + (hash ? '#' + hash : '');
  fetch(location.pathname, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    body: body,
    cache: 'no-store',
    // Same origin as this page: a host that guards /proxy/<port>/ with its own
    // login (code-server's password, a remote's session cookie) needs its cookie.
    credentials: 'same-origin',
    referrerPolicy: 'no-referrer'
  }).then(function (res) {
    if (res.status === 410) {
      msg.textContent = 'This sign-in has already reached VS Code. You can close this tab.';
      return;
    }
    if (res.status === 400) {
      msg.textContent = 'VS Code did not accept this sign-in: it belongs to another attempt or is incomplete. Return to VS Code and sign in again.';
      return;
    }
    if (res.status !== 204) { throw new Error('status ' + res.status); }
    // The tokens should not linger in the address bar or history.
    history.replaceState(null, '', location.pathname);
    msg.textContent = failed
      ? 'Sign-in was cancelled or failed. You can close this tab and return to VS Code.'
      : 'You can close this tab and return to VS Code.';
  }).catch(function () {
    msg.textContent = 'Could not reach VS Code. Copy the address of this page and paste it into VS Code to finish signing in.';
  });
})();
</script>
</body>
</html>
`;
}
