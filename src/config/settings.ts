import { join } from 'node:path';
import * as vscode from 'vscode';
import { apiBase, parseApiUrl } from '../api/apiUrl';
import type { ProxyOptions } from '../api/transport';
import { lazyTransport, type LazyTransport } from '../api/transport/lazy';

/** `modbox.apiUrl`, normalised; an unusable value is returned as typed (every call then says why it is refused). */
export function configuredApiUrl(log: { warn(message: string): void }): string {
  const raw = vscode.workspace.getConfiguration('modbox').get<string>('apiUrl', 'https://api.modbox.run');
  const parsed = parseApiUrl(raw);
  if (!parsed.ok) {
    log.warn(`modbox.apiUrl is not usable: ${parsed.message}`);
    return raw.trim();
  }
  return apiBase(parsed.url);
}

export function configuredDashboardUrl(): string {
  return vscode.workspace.getConfiguration('modbox').get<string>('dashboardUrl', 'https://app.modbox.run');
}

/** The network as the `http.*` settings describe it, loaded on first use. */
export function configuredTransport(extensionPath: string): LazyTransport {
  return lazyTransport(() => {
    // A second bundle, so activation never pays for undici.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(join(extensionPath, 'dist', 'transport.js')) as typeof import('../api/transport/undiciTransport');
    return module.createUndiciTransport(proxyOptions());
  });
}

function proxyOptions(): ProxyOptions {
  const http = vscode.workspace.getConfiguration('http');
  return {
    httpProxySetting: http.get<string>('proxy') || undefined,
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    noProxy: http.get<string[]>('noProxy', []),
    env: process.env,
  };
}

/** Follows changes to the settings: a new proxy rebuilds the transport, a new API URL switches the account. */
export function watchSettings(transport: LazyTransport, switchApiUrl: (apiUrl: string) => Promise<void>, log: { warn(m: string): void; error(m: string): void }): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('http')) {
      transport.reset();
    }
    if (e.affectsConfiguration('modbox.apiUrl')) {
      switchApiUrl(configuredApiUrl(log)).catch((err: unknown) => log.error(String(err)));
    }
  });
}
