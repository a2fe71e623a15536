/**
 * The real network transport, bundled separately (dist/transport.js) and
 * loaded on the first request so activation does not pay for undici.
 * undici reads no proxy settings by itself: proxy.ts decides per request.
 */
import type { LookupFunction } from 'node:net';
import { Agent, Pool, ProxyAgent, request, type Dispatcher } from 'undici';
import {
  badResponseError, cancelledError, classifyNetworkError, errorCodes, isModboxError, proxyError, unusableProxyError,
} from '../errors';
import { resolveProxy } from '../proxy';
import { MAX_RESPONSE_BYTES, type HttpRequest, type HttpResponse, type ProxyOptions, type Transport } from '../transport';

export type { ProxyOptions } from '../transport';

/** Test seams; production passes nothing. */
export interface TransportInternals {
  /** Host name resolution, so tests can map names to loopback without DNS. */
  lookup?: LookupFunction;
  maxResponseBytes?: number;
}

interface ProxyEntry {
  dispatcher: ProxyAgent;
  host: string;
  /** Status of the proxy's last CONNECT answer, to tell a 407 from other refusals without reading messages. */
  lastConnectStatus?: number;
}

const PROXY_CONNECT_FAILED = 'MODBOX_PROXY_CONNECT_FAILED';

const CLOSE_GRACE_MS = 2000;

const KEEP_ALIVE = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 };

export function createUndiciTransport(options: ProxyOptions, internals: TransportInternals = {}): Transport {
  const strictSSL = options.strictSSL ?? true;
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const env = options.env ?? process.env;
  const maxBytes = internals.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const lookup = internals.lookup ? { lookup: internals.lookup } : {};
  let direct: Agent | undefined;
  const proxies = new Map<string, ProxyEntry>();

  function directAgent(): Agent {
    direct ??= new Agent({ ...KEEP_ALIVE, connect: { timeout: connectTimeout, rejectUnauthorized: strictSSL, ...lookup } });
    return direct;
  }

  function proxyEntry(proxyUrl: string): ProxyEntry {
    const existing = proxies.get(proxyUrl);
    if (existing) {
      return existing;
    }
    const url = new URL(proxyUrl);
    const token = url.username
      ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
      : undefined;
    url.username = '';
    url.password = '';
    const entry: ProxyEntry = { host: url.host, dispatcher: undefined as unknown as ProxyAgent };
    entry.dispatcher = new ProxyAgent({
      uri: url.href,
      ...(token ? { token } : {}),
      ...KEEP_ALIVE,
      requestTls: { rejectUnauthorized: strictSSL },
      proxyTls: { rejectUnauthorized: strictSSL, timeout: connectTimeout, ...lookup } as ProxyAgent.Options['proxyTls'],
      clientFactory: (origin: URL, opts: object) => {
        const pool = new Pool(origin, opts);
        const connect = pool.connect.bind(pool) as (o: Dispatcher.ConnectOptions) => Promise<Dispatcher.ConnectData>;
        (pool as { connect: unknown }).connect = async (o: Dispatcher.ConnectOptions) => {
          let data: Dispatcher.ConnectData;
          try {
            data = await connect(o);
          } catch (err) {
            // undici treats a socket error here as recoverable and re-sends CONNECT at once, forever,
            // with the request stuck in its queue: a distinct code makes it fail the request instead.
            throw Object.assign(new Error('The proxy did not answer CONNECT', { cause: err }), { code: PROXY_CONNECT_FAILED });
          }
          entry.lastConnectStatus = data.statusCode;
          return data;
        };
        return pool;
      },
    });
    proxies.set(proxyUrl, entry);
    return entry;
  }

  async function send(req: HttpRequest): Promise<HttpResponse> {
    const target = new URL(req.url);
    if (req.signal?.aborted) {
      throw cancelledError();
    }
    const decision = resolveProxy(target, { httpProxySetting: options.httpProxySetting, strictSSL, noProxy: options.noProxy, env });
    if (decision.unusable) {
      throw unusableProxyError(decision.unusable, target.hostname);
    }
    const proxy = decision.proxyUrl ? proxyEntry(decision.proxyUrl) : undefined;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, req.timeoutMs);
    timer.unref?.();
    const onAbort = () => controller.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (proxy) {
        proxy.lastConnectStatus = undefined;
      }
      const pending = request(target, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: proxy?.dispatcher ?? directAgent(),
        signal: controller.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        maxRedirections: 0,
      });
      // undici honours an abort only once a connection exists; a request still
      // queued behind failing connects must end at its deadline all the same.
      const res = await Promise.race([pending, abortion(controller.signal)]).catch((err: unknown) => {
        pending.then((late) => late.body.destroy(), () => undefined);
        throw err;
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          res.body.destroy();
          throw badResponseError(target.host, 'the response is too large', res.statusCode);
        }
        chunks.push(chunk);
      }
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body: Buffer.concat(chunks).toString('utf8') };
    } catch (err) {
      if (isModboxError(err)) {
        throw err;
      }
      if (req.signal?.aborted && !timedOut) {
        throw cancelledError();
      }
      if (proxy && timedOut && proxy.lastConnectStatus === undefined && decision.proxyUrl) {
        // The proxy never answered CONNECT: start afresh next time rather than queue behind it.
        proxies.delete(decision.proxyUrl);
        void shut(proxy.dispatcher, 0);
      }
      if (proxy && !timedOut) {
        const status = proxy.lastConnectStatus;
        if (status !== undefined && status !== 200) {
          throw proxyError(proxy.host, { status, cause: err });
        }
        const codes = errorCodes(err);
        if (codes.includes(PROXY_CONNECT_FAILED) && !codes.some((c) => c.startsWith('ERR_TLS_') || c.includes('CERT'))) {
          const code = codes.find((c) => c !== PROXY_CONNECT_FAILED && c !== 'UND_ERR');
          throw proxyError(proxy.host, { cause: err, ...(code ? { code } : {}) });
        }
        if (codes.includes('UND_ERR_ABORTED')) {
          throw proxyError(proxy.host, { cause: err });
        }
      }
      throw classifyNetworkError(err, { host: target.host, proxyHost: proxy?.host, timedOut });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    request: send,
    async close() {
      const all: Dispatcher[] = [...(direct ? [direct] : []), ...[...proxies.values()].map((p) => p.dispatcher)];
      direct = undefined;
      proxies.clear();
      await Promise.allSettled(all.map((d) => shut(d, CLOSE_GRACE_MS)));
    },
  };
}

/** Closes gracefully, but destroys whatever is still pending after `graceMs` (a stuck CONNECT would wait minutes). */
async function shut(dispatcher: Dispatcher, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = graceMs > 0 ? dispatcher.close().then(() => true, () => true) : Promise.resolve(false);
  const grace = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
    timer.unref?.();
  });
  const done = await Promise.race([closed, grace]);
  clearTimeout(timer);
  if (!done) {
    await dispatcher.destroy().catch(() => undefined);
  }
}

/** Rejects (as undici would) when the signal aborts; never settles otherwise. */
function abortion(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const fail = () => reject(Object.assign(new Error('The request was aborted'), { code: 'UND_ERR_ABORTED', name: 'AbortError' }));
    if (signal.aborted) {
      fail();
    } else {
      signal.addEventListener('abort', fail, { once: true });
    }
  });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return out;
}
