/**
 * A forward (CONNECT) proxy on loopback for tests, standing in for a
 * corporate proxy: it "resolves" every requested host by tunnelling to one
 * fixed loopback upstream, so a client can use a real-looking name such as
 * api.modbox.test:443 while nothing leaves this machine. It can demand
 * credentials, refuse, or hang up, and it records what it was asked.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyBehaviour =
  | { kind: 'tunnel' }
  /** Answer CONNECT with this status (e.g. 403 for a policy refusal, 502). */
  | { kind: 'refuse'; status: number }
  /** Drop the client connection without answering. */
  | { kind: 'hangUp' }
  /** Keep the connection open and never answer. */
  | { kind: 'silent' };

export interface ForwardProxyOptions {
  /** Where every tunnel goes; must be loopback. */
  upstream: { host: string; port: number };
  /** Demand `Proxy-Authorization: Basic base64(user:password)`, answering 407 otherwise. */
  credentials?: { user: string; password: string };
  behaviour?: ProxyBehaviour;
}

export interface ForwardProxy {
  url: string;
  port: number;
  /** Authorities asked for with CONNECT (host:port), in order. */
  readonly connects: string[];
  /** The Proxy-Authorization header of each CONNECT (undefined when absent). */
  readonly authorizations: Array<string | undefined>;
  /** Tunnels that were opened to the upstream. */
  tunnels: number;
  behaviour: ProxyBehaviour;
  credentials: { user: string; password: string } | undefined;
  /** Clears the records. */
  clear(): void;
  /** Ends every open connection and tunnel (as a proxy restarting with a new policy would). */
  dropConnections(): void;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === '::1' || host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

const REASONS: Record<number, string> = { 403: 'Forbidden', 407: 'Proxy Authentication Required', 502: 'Bad Gateway' };

export async function startForwardProxy(options: ForwardProxyOptions): Promise<ForwardProxy> {
  if (!isLoopback(options.upstream.host)) {
    throw new Error(`the test proxy only tunnels to loopback, not ${options.upstream.host}`);
  }
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  // Plain (non-CONNECT) proxy requests are not needed: Modbox is https only.
  const server = http.createServer((_req, res) => res.writeHead(501, { Connection: 'close' }).end());
  server.on('connection', track);
  server.on('clientError', (_err, socket) => socket.destroy());

  const proxy: ForwardProxy = {
    url: '',
    port: 0,
    connects: [],
    authorizations: [],
    tunnels: 0,
    behaviour: options.behaviour ?? { kind: 'tunnel' },
    credentials: options.credentials,
    clear() {
      proxy.connects.length = 0;
      proxy.authorizations.length = 0;
      proxy.tunnels = 0;
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(client);
    const auth = req.headers['proxy-authorization'];
    proxy.connects.push(req.url ?? '');
    proxy.authorizations.push(auth);
    const answer = (status: number, extra = ''): void => {
      client.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Refused'}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    const behaviour = proxy.behaviour;
    if (behaviour.kind === 'hangUp') {
      client.destroy();
      return;
    }
    if (behaviour.kind === 'silent') {
      return;
    }
    if (behaviour.kind === 'refuse') {
      answer(behaviour.status);
      return;
    }
    if (proxy.credentials && auth !== basic(proxy.credentials.user, proxy.credentials.password)) {
      answer(407, 'Proxy-Authenticate: Basic realm="modbox-test"\r\n');
      return;
    }
    const upstream = net.connect(options.upstream.port, options.upstream.host, () => {
      proxy.tunnels++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  proxy.port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${proxy.port}`;
  return proxy;
}
