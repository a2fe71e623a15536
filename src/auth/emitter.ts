/** A minimal event emitter with VS Code's `Event` shape, usable without `vscode`. */
export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => unknown;

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  readonly event = (listener: Listener<T>): Disposable => {
    // Wrap so the same function can be subscribed twice and disposed independently.
    const entry: Listener<T> = (value) => listener(value);
    this.listeners.add(entry);
    return { dispose: () => this.listeners.delete(entry) };
  };

  /** A throwing listener must not stop the others. */
  fire(value: T, onError?: (err: unknown) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        const result = listener(value);
        if (result instanceof Promise) {
          result.catch((err: unknown) => onError?.(err));
        }
      } catch (err) {
        onError?.(err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
