import * as vscode from 'vscode';
import { accountKey } from './accountKey';
import { automaticRetryDelay, errorReason } from './errorText';
import { Loader, type LoadState } from './loader';
import { defaultSetContext, viewProgress, type TreeDeps } from './treeCommon';

/** Automatic retries of one load after rate limits, before waiting for the user's Retry. */
const MAX_AUTOMATIC_RETRIES = 2;

/**
 * The part both trees share: one loader per view, bound to the signed-in
 * account. A token refresh keeps the data; any other session change clears
 * it at once (the previous account's rows never stay on screen) and loads
 * again the next time the view asks for its rows.
 */
export abstract class SessionBoundTree<T, N> implements vscode.Disposable {
  protected readonly changeEmitter = new vscode.EventEmitter<N | undefined | void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  protected readonly loader: Loader<T>;
  protected readonly setContext: (key: string, value: unknown) => void;
  protected readonly withProgress: <R>(viewId: string, task: () => Promise<R>) => Promise<R>;
  private key: string | undefined;
  private wasLoaded: boolean;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Bumped with every clear, so per-node requests (members) can tell they are outdated. */
  protected epoch = 0;

  constructor(readonly viewId: string, protected readonly deps: TreeDeps, private readonly what: string) {
    this.setContext = deps.setContext ?? defaultSetContext;
    this.withProgress = deps.withViewProgress ?? viewProgress;
    this.loader = new Loader<T>({
      clock: deps.clock,
      maxAutomaticRetries: MAX_AUTOMATIC_RETRIES,
      retryDelay: automaticRetryDelay,
      onDidChange: () => this.onStateChanged(),
    });
    this.key = accountKey(deps.account.apiUrl, deps.account.session);
    this.wasLoaded = deps.account.loaded;
    this.loader.clear(this.key ? 'stale' : 'empty');
    this.subscriptions.push(deps.account.onDidChangeSession(() => this.sessionChanged()));
  }

  /** The loaded data of the current account, if any. */
  get value(): T | undefined {
    return this.loader.value;
  }

  get state(): LoadState<T> {
    return this.loader.state;
  }

  /** Loads again (keeping current rows on screen meanwhile); resolves when done, never rejects. */
  refresh(): Promise<void> {
    if (!this.deps.account.session) {
      this.loader.clear('empty');
      return Promise.resolve();
    }
    this.beforeReload();
    const key = this.key;
    return this.withProgress(this.viewId, () => this.loader.load(() => this.fetch(key)))
      .then(() => this.logFailure(), (err: unknown) => {
        this.deps.log.error(`Loading ${this.what} failed unexpectedly: ${errorReason(err, vscode.l10n)}`);
      });
  }

  /** Loads unless data or a load is already there; for commands that need the list. */
  async ensureLoaded(): Promise<T | undefined> {
    const kind = this.loader.state.kind;
    if (kind === 'stale' || kind === 'failed') {
      await this.refresh();
    } else if (this.loader.pending) {
      await this.loader.pending;
    }
    return this.loader.value;
  }

  /** Whether `key` (captured when a request started) is still the signed-in account. */
  protected isCurrent(key: string | undefined): boolean {
    return key !== undefined && key === this.key;
  }

  protected abstract fetch(key: string | undefined): Promise<T>;
  protected beforeReload(): void {}
  protected onStateChanged(): void {
    this.changeEmitter.fire();
  }

  /** Called by getChildren for the root: starts the first load lazily, when the view is shown. */
  protected loadIfStale(): void {
    if (this.loader.state.kind === 'stale') {
      void this.refresh();
    }
  }

  private logFailure(): void {
    const state = this.loader.state;
    if (state.kind === 'failed') {
      this.deps.log.warn(`Couldn't load ${this.what}: ${errorReason(state.error, vscode.l10n)}`);
    }
  }

  private sessionChanged(): void {
    const key = accountKey(this.deps.account.apiUrl, this.deps.account.session);
    const loadedNow = this.deps.account.loaded;
    if (key === this.key && loadedNow === this.wasLoaded) {
      return;
    }
    const accountChanged = key !== this.key;
    this.key = key;
    this.wasLoaded = loadedNow;
    if (accountChanged) {
      this.epoch++;
      this.loader.clear(key ? 'stale' : 'empty');
    } else {
      this.changeEmitter.fire();
    }
  }

  dispose(): void {
    this.loader.dispose();
    this.subscriptions.forEach((s) => s.dispose());
    this.changeEmitter.dispose();
  }
}
