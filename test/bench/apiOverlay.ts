// A view of a `vscode` API object whose registrations that must be unique in
// a host (auth provider ids, command ids, URI handler, tree view ids) are
// answered by no-op disposables, so an extension can be activated again next
// to its real instance. Everything else goes to the real API.
import type * as vscode from 'vscode';

type Api = typeof vscode;
type Overrides = Record<string, unknown>;

/** An object with an own getter per property of target (bundlers copy own keys), with overrides. */
function overlay<T extends object>(target: T, overrides: Overrides): T {
  const out: Record<string, unknown> = {};
  const keys = new Set([...Object.getOwnPropertyNames(target), ...Object.keys(overrides)]);
  for (const key of keys) {
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get: () => (key in overrides ? overrides[key] : (target as Record<string, unknown>)[key]),
    });
  }
  return out as T;
}

const noopEvent = (): { dispose(): void } => ({ dispose: () => undefined });

export function stubbedApi(api: Api, calls: Record<string, number>): Api {
  const disposable = (name: string) => (): vscode.Disposable => {
    calls[name] = (calls[name] ?? 0) + 1;
    return new api.Disposable(() => undefined);
  };
  const treeView = (): unknown => {
    calls.createTreeView = (calls.createTreeView ?? 0) + 1;
    return new Proxy({}, {
      get: (_t, key) => (key === 'dispose' ? () => undefined : typeof key === 'string' && key.startsWith('onDid') ? noopEvent : undefined),
    });
  };
  return overlay(api, {
    authentication: overlay(api.authentication, { registerAuthenticationProvider: disposable('registerAuthenticationProvider') }),
    commands: overlay(api.commands, {
      registerCommand: disposable('registerCommand'),
      registerTextEditorCommand: disposable('registerTextEditorCommand'),
    }),
    window: overlay(api.window, {
      registerUriHandler: disposable('registerUriHandler'),
      registerTreeDataProvider: disposable('registerTreeDataProvider'),
      registerWebviewViewProvider: disposable('registerWebviewViewProvider'),
      createTreeView: treeView,
    }),
  });
}
