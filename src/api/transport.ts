/**
 * The seam between the client and the network. Implementations never follow
 * redirects (the client decides) and throw network failures as ModboxError.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange, connect to last body byte. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Frees sockets (keep-alive pools). Optional for fakes. */
  close?(): Promise<void>;
}

/** Larger bodies are refused as badResponse: no Modbox answer is anywhere near this. */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/** Settings that decide how requests reach the network; plain data so no `vscode` import is needed. */
export interface ProxyOptions {
  /** VS Code's `http.proxy`. */
  httpProxySetting?: string;
  /** VS Code's `http.proxyStrictSSL` (default true). */
  strictSSL?: boolean;
  /** VS Code's `http.noProxy`. */
  noProxy?: string[];
  /** Environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY and lower-case forms); defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Connect timeout in ms (default 10 s). */
  connectTimeoutMs?: number;
}
