import { normalizeApiUrl } from '../api/apiUrl';

/** The subset of `vscode.Memento` used here, so this file runs in plain Node. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export interface ActiveWorkspaceChoice {
  readonly id: string;
  /** Shown in the status bar before the workspace list has loaded. */
  readonly name: string;
  /** The account that chose it: another account on the same server does not inherit the choice. */
  readonly accountId: string;
}

/** One entry per server (normalizeApiUrl), so switching `modbox.apiUrl` back and forth keeps each choice. */
type Stored = Record<string, ActiveWorkspaceChoice>;

export const ACTIVE_WORKSPACE_KEY = 'modbox.activeWorkspace';

function isChoice(value: unknown): value is ActiveWorkspaceChoice {
  const v = value as Partial<ActiveWorkspaceChoice> | undefined;
  return typeof v === 'object' && v !== null
    && typeof v.id === 'string' && v.id.length > 0 && v.id.length <= 200
    && typeof v.name === 'string' && typeof v.accountId === 'string';
}

/**
 * The workspace whose id is sent as `X-Workspace-Id`, remembered per API URL
 * in global state. Only its id and name are stored; nothing secret.
 */
export class ActiveWorkspace {
  private readonly listeners = new Set<() => void>();

  /**
   * @param apiUrl the current API URL (read on every call; it can change)
   * @param accountId the signed-in account's id, or undefined when signed out
   */
  constructor(
    private readonly state: StateStore,
    private readonly apiUrl: () => string,
    private readonly accountId: () => string | undefined,
  ) {}

  /** The choice for the current server and account, if any. */
  get current(): ActiveWorkspaceChoice | undefined {
    const account = this.accountId();
    if (!account) {
      return undefined;
    }
    const choice = this.read()[normalizeApiUrl(this.apiUrl())];
    return isChoice(choice) && choice.accountId === account ? choice : undefined;
  }

  /** What the API client sends as `X-Workspace-Id`. Cheap: called on every request. */
  id(): string | undefined {
    return this.current?.id;
  }

  async set(workspace: { id: string; name: string } | undefined): Promise<void> {
    const key = normalizeApiUrl(this.apiUrl());
    const next: Stored = { ...this.read() };
    const account = this.accountId();
    if (workspace && account) {
      next[key] = { id: workspace.id, name: workspace.name, accountId: account };
    } else {
      delete next[key];
    }
    await this.state.update(ACTIVE_WORKSPACE_KEY, next);
    this.fire();
  }

  /**
   * Reconciles the choice with a freshly loaded list: a workspace the user left
   * is forgotten (sending its id would make requests fail), a renamed one gets
   * its new name. Returns true if anything changed.
   */
  async reconcile(workspaces: ReadonlyArray<{ id: string; name: string }>): Promise<boolean> {
    const choice = this.current;
    if (!choice) {
      return false;
    }
    const found = workspaces.find((w) => w.id === choice.id);
    if (!found) {
      await this.set(undefined);
      return true;
    }
    if (found.name !== choice.name) {
      await this.set(found);
      return true;
    }
    return false;
  }

  /** Also to be called when the account or API URL changes, so listeners re-read. */
  fire(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private read(): Stored {
    const raw = this.state.get<unknown>(ACTIVE_WORKSPACE_KEY);
    return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw as Stored : {};
  }
}
