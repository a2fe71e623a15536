// An ExtensionContext for activating an extension bundle a second time in the
// same host: in-memory state and secrets (so: signed out), and a record of
// any property the extension read that is not provided.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { MemoryMemento } from '../support/memoryMemento';

class MemorySecrets implements vscode.SecretStorage {
  private readonly data = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.emitter.event;
  async get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.data.set(key, value);
    this.emitter.fire({ key });
  }
  async delete(key: string): Promise<void> {
    this.data.delete(key);
    this.emitter.fire({ key });
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export interface FakeContext {
  context: vscode.ExtensionContext;
  /** Disposes what the extension pushed to subscriptions, newest first; returns the errors. */
  dispose(): string[];
}

export function fakeContext(id: string, extensionPath: string, packageJSON: unknown, missing: Set<string>): FakeContext {
  const subscriptions: { dispose(): unknown }[] = [];
  const secrets = new MemorySecrets();
  const extensionUri = vscode.Uri.file(extensionPath);
  const scratch = path.join(os.tmpdir(), 'modbox-bench-context');
  const extension = {
    id,
    extensionUri,
    extensionPath,
    isActive: true,
    packageJSON,
    extensionKind: vscode.ExtensionKind.Workspace,
    exports: undefined,
    activate: () => Promise.resolve(undefined),
  };
  const provided: Record<string, unknown> = {
    subscriptions,
    extensionPath,
    extensionUri,
    extension,
    asAbsolutePath: (p: string) => path.join(extensionPath, p),
    globalState: new MemoryMemento(),
    workspaceState: new MemoryMemento(),
    secrets,
    extensionMode: vscode.ExtensionMode.Production,
    globalStorageUri: vscode.Uri.file(path.join(scratch, 'global')),
    storageUri: vscode.Uri.file(path.join(scratch, 'workspace')),
    logUri: vscode.Uri.file(path.join(scratch, 'log')),
    globalStoragePath: path.join(scratch, 'global'),
    storagePath: path.join(scratch, 'workspace'),
    logPath: path.join(scratch, 'log'),
    environmentVariableCollection: fakeEnvironmentCollection(),
  };
  const context = new Proxy(provided, {
    get(target, key) {
      if (typeof key === 'string' && !(key in target) && key !== 'then') {
        missing.add(key);
      }
      return Reflect.get(target, key);
    },
  }) as unknown as vscode.ExtensionContext;
  return {
    context,
    dispose() {
      const errors: string[] = [];
      for (const d of subscriptions.splice(0).reverse()) {
        try {
          d.dispose();
        } catch (e) {
          errors.push(e instanceof Error ? e.message : String(e));
        }
      }
      secrets.dispose();
      return errors;
    },
  };
}

/** The environment variable collection as VS Code hands it out (in memory; scoped views share one map per folder). */
function fakeEnvironmentCollection(): unknown {
  const make = (): Record<string, unknown> => {
    const values = new Map<string, unknown>();
    return {
      persistent: true,
      description: undefined,
      replace: (name: string, value: string) => void values.set(name, { value, type: 1 }),
      append: (name: string, value: string) => void values.set(name, { value, type: 2 }),
      prepend: (name: string, value: string) => void values.set(name, { value, type: 3 }),
      get: (name: string) => values.get(name),
      delete: (name: string) => void values.delete(name),
      clear: () => values.clear(),
      forEach: (cb: (name: string, value: unknown) => void) => values.forEach((v, k) => cb(k, v)),
      [Symbol.iterator]: () => values.entries(),
    };
  };
  const root = make();
  const scoped = new Map<string, unknown>();
  root.getScoped = (scope: { workspaceFolder?: { uri: { toString(): string } } }) => {
    const key = scope.workspaceFolder?.uri.toString() ?? '';
    if (!scoped.has(key)) {
      scoped.set(key, make());
    }
    return scoped.get(key);
  };
  return root;
}
