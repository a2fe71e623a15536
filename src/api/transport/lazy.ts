import type { HttpRequest, HttpResponse, Transport } from '../transport';

export interface LazyTransport extends Transport {
  /**
   * Drops the loaded transport (e.g. proxy settings changed); the next request
   * loads a new one, with `load` if given. In-flight requests finish on the old one.
   */
  reset(load?: () => Transport): void;
  close(): Promise<void>;
}

/** Defers loading the real transport (and undici) until the first request. */
export function lazyTransport(load: () => Transport): LazyTransport {
  let loader = load;
  let current: Transport | undefined;

  const retire = (transport: Transport | undefined): Promise<void> =>
    // Closing only frees sockets; a failure there must not surface anywhere.
    transport?.close ? transport.close().catch(() => undefined) : Promise.resolve();

  return {
    request(req: HttpRequest): Promise<HttpResponse> {
      try {
        current ??= loader();
      } catch (err) {
        return Promise.reject(err);
      }
      return current.request(req);
    },
    reset(next?: () => Transport): void {
      if (next) {
        loader = next;
      }
      const old = current;
      current = undefined;
      // Let in-flight requests on the old transport finish before its sockets go.
      void retire(old);
    },
    close(): Promise<void> {
      const old = current;
      current = undefined;
      return retire(old);
    },
  };
}
