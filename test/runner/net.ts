import * as http from 'http';
import * as net from 'net';

/** A port that was free a moment ago on host (bind to port 0, read it, release it). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when host:port can be bound right now. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The first free port in [start, start + count). */
export async function firstFreePort(host: string, start: number, count = 20): Promise<number> {
  for (let port = start; port < start + count; port++) {
    if (await isPortFree(host, port)) {
      return port;
    }
  }
  throw new Error(`no free port on ${host} in ${start}-${start + count - 1}`);
}

function probe(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Polls url until it answers HTTP (any status below 500), `gaveUp()` returns a
 * reason to stop, or timeoutMs passes.
 */
export async function waitForHttp(url: string, timeoutMs: number, gaveUp: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const reason = gaveUp();
    if (reason) {
      throw new Error(`${url} will not answer: ${reason}`);
    }
    try {
      const status = await probe(url);
      if (status > 0 && status < 500) {
        return;
      }
      last = `HTTP ${status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
}
