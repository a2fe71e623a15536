import type { SecretStorageLike } from '../../src/auth/session/sessionStore';
import type { Disposable } from '../../src/auth/emitter';

/**
 * SecretStorage in memory. Share one instance between two objects to play two
 * windows: like VS Code, every store/delete notifies all listeners, the
 * writer's own included, after the write has landed.
 */
export class MemorySecretStorage implements SecretStorageLike {
  readonly values = new Map<string, string>();
  private listeners = new Set<(e: { key: string }) => unknown>();
  /** Every operation, for assertions (`get:key`, `store:key`, `delete:key`). */
  readonly ops: string[] = [];

  get(key: string): Promise<string | undefined> {
    this.ops.push(`get:${key}`);
    return Promise.resolve(this.values.get(key));
  }

  async store(key: string, value: string): Promise<void> {
    this.ops.push(`store:${key}`);
    await Promise.resolve();
    this.values.set(key, value);
    this.fire(key);
  }

  async delete(key: string): Promise<void> {
    this.ops.push(`delete:${key}`);
    await Promise.resolve();
    const existed = this.values.delete(key);
    if (existed) {
      this.fire(key);
    }
  }

  onDidChange(listener: (e: { key: string }) => unknown): Disposable {
    const entry = (e: { key: string }): unknown => listener(e);
    this.listeners.add(entry);
    return { dispose: () => this.listeners.delete(entry) };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private fire(key: string): void {
    for (const listener of [...this.listeners]) {
      queueMicrotask(() => void listener({ key }));
    }
  }
}
