/**
 * The real network transport, bundled separately (dist/transport.js) and
 * loaded on the first request so activation does not pay for undici.
 * undici reads no proxy settings by itself: proxy.ts decides per request.
 */
import type { LookupFunction } from 'node:net';
import { Agent, Pool, ProxyAgent, request, type Dispatcher } from 'undici';
import {
  badResponseError, cancelledError, classifyNetworkError, errorCodes, isModboxError, proxyError,
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
          const data = await connect(o);
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
      const res = await request(target, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: proxy?.dispatcher ?? directAgent(),
        signal: controller.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        maxRedirections: 0,
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
      if (proxy && !timedOut) {
        const status = proxy.lastConnectStatus;
        if (status !== undefined && status !== 200) {
          throw proxyError(proxy.host, { status, cause: err });
        }
        if (errorCodes(err).includes('UND_ERR_ABORTED')) {
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
      await Promise.allSettled(all.map((d) => d.close()));
    },
  };
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
