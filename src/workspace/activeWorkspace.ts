import { normalizeApiUrl } from '../api/apiUrl';
import { isApiToken } from '../util/secretShapes';

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

/** Something that names a folder: a `vscode.Uri` in the extension, a string-like in unit tests. */
export interface FolderRef {
  toString(): string;
}

/** A folder's `modbox.workspace` setting, as read from VS Code. */
export interface FolderBinding {
  /** The setting's value, trimmed; not yet validated. */
  readonly id: string;
  /** The folder it applies to (`Uri.toString()`). */
  readonly folderUri: string;
  /** The folder's name, for messages. */
  readonly folderName: string;
}

/**
 * Reads folder bindings (the vscode side is `folderBindings.ts`). Given a
 * folder: that folder's binding. Without one: the binding of the active
 * editor's folder when the active editor is in a folder, else of the first
 * workspace folder that has one.
 */
export interface FolderBindingReader {
  binding(folder?: FolderRef): FolderBinding | undefined;
  onDidChange(listener: () => void): { dispose(): void };
  /** Disposed with the ActiveWorkspace that reads it. */
  dispose?(): void;
}

/** The workspace requests use: a folder's binding or the account-wide choice. */
export interface EffectiveWorkspace {
  readonly id: string;
  readonly name?: string;
  readonly source: 'folder' | 'account';
}

/**
 * Why a folder binding is not in use: the workspace list has not been checked
 * yet ('checking'), the account cannot see that workspace ('notVisible'), or
 * the setting does not hold a workspace id at all ('invalid'). While there is
 * a problem the folder uses no workspace: never the account-wide choice (the
 * folder asked for another one) and never the unchecked id.
 */
export interface BindingProblem {
  readonly kind: 'checking' | 'notVisible' | 'invalid';
  readonly id: string;
  readonly folderUri: string;
  readonly folderName: string;
}

/** Ids as the API issues them (uuids), with room for other opaque ids; no dots, slashes, spaces or `%`. */
const MODBOX_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * A workspace or sandbox id that may be sent or put in a link. Anything else
 * (in a setting, a link, a row) is refused, not sent; an API token pasted by
 * mistake is never taken for an id.
 */
export function isModboxId(value: unknown): value is string {
  return typeof value === 'string' && MODBOX_ID_RE.test(value) && !isApiToken(value);
}

type Resolved =
  | { kind: 'effective'; workspace: EffectiveWorkspace }
  | { kind: 'problem'; problem: BindingProblem }
  | { kind: 'none' };

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
  /** The workspaces the account can see, from the last reconcile, with whose list it is. */
  private known: { key: string; names: ReadonlyMap<string, string> } | undefined;
  private readonly bindingSubscription: { dispose(): void } | undefined;
  /** What `effective()` said last, so a binding event that changes nothing fires nothing (unset until the first event). */
  private lastSeen: string | undefined;

  /**
   * @param apiUrl the current API URL (read on every call; it can change)
   * @param accountId the signed-in account's id, or undefined when signed out
   * @param bindings the folders' `modbox.workspace` settings; none in plain Node unless a test passes some
   */
  constructor(
    private readonly state: StateStore,
    private readonly apiUrl: () => string,
    private readonly accountId: () => string | undefined,
    private readonly bindings?: FolderBindingReader,
  ) {
    // No state is read here: the account may not exist yet while this is built.
    this.bindingSubscription = bindings?.onDidChange(() => this.fireIfChanged());
  }

  /** The choice for the current server and account, if any. */
  get current(): ActiveWorkspaceChoice | undefined {
    const account = this.accountId();
    if (!account) {
      return undefined;
    }
    const choice = this.read()[normalizeApiUrl(this.apiUrl())];
    return isChoice(choice) && choice.accountId === account ? choice : undefined;
  }

  /** What the API client sends as `X-Workspace-Id`: the effective workspace. Cheap: called on every request. */
  id(): string | undefined {
    return this.effective()?.id;
  }

  /**
   * The workspace requests for `folder` use (without one: for the active
   * editor's folder, else the first bound folder): the folder's binding once
   * the account's workspace list shows it can see it, else the account-wide
   * choice when no binding applies. Undefined when signed out, when nothing
   * is chosen, or while a binding has a problem (see `problem`).
   */
  effective(folder?: FolderRef): EffectiveWorkspace | undefined {
    const resolved = this.resolve(folder);
    return resolved.kind === 'effective' ? resolved.workspace : undefined;
  }

  /** Why the folder binding that applies is not used, if it is not. */
  problem(folder?: FolderRef): BindingProblem | undefined {
    const resolved = this.resolve(folder);
    return resolved.kind === 'problem' ? resolved.problem : undefined;
  }

  /** The folder binding that applies, valid or not (for "remove the binding" offers). */
  binding(folder?: FolderRef): FolderBinding | undefined {
    return this.accountId() ? this.bindings?.binding(folder) : undefined;
  }

  private resolve(folder?: FolderRef): Resolved {
    const account = this.accountId();
    if (!account) {
      return { kind: 'none' };
    }
    const binding = this.bindings?.binding(folder);
    if (binding) {
      const where = { id: binding.id, folderUri: binding.folderUri, folderName: binding.folderName };
      if (!isModboxId(binding.id)) {
        return { kind: 'problem', problem: { kind: 'invalid', ...where } };
      }
      const names = this.known?.key === this.knownKey(account) ? this.known.names : undefined;
      if (!names) {
        return { kind: 'problem', problem: { kind: 'checking', ...where } };
      }
      const name = names.get(binding.id);
      return name === undefined
        ? { kind: 'problem', problem: { kind: 'notVisible', ...where } }
        : { kind: 'effective', workspace: { id: binding.id, name, source: 'folder' } };
    }
    const choice = this.current;
    return choice ? { kind: 'effective', workspace: { id: choice.id, name: choice.name, source: 'account' } } : { kind: 'none' };
  }

  private knownKey(account: string): string {
    return JSON.stringify([normalizeApiUrl(this.apiUrl()), account]);
  }

  private signature(): string {
    return JSON.stringify(this.resolve());
  }

  private fireIfChanged(): void {
    if (this.signature() !== this.lastSeen) {
      this.fire();
    }
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
   * its new name. The list also decides whether a folder binding is used: a
   * bound id the account cannot see is never sent. Returns true if anything changed.
   */
  async reconcile(workspaces: ReadonlyArray<{ id: string; name: string }>): Promise<boolean> {
    const account = this.accountId();
    if (account) {
      this.known = { key: this.knownKey(account), names: new Map(workspaces.map((w) => [w.id, w.name])) };
    }
    const choice = this.current;
    const found = choice && workspaces.find((w) => w.id === choice.id);
    if (choice && !found) {
      await this.set(undefined);
      return true;
    }
    if (choice && found && found.name !== choice.name) {
      await this.set(found);
      return true;
    }
    const before = this.lastSeen;
    this.fireIfChanged();
    return before !== this.lastSeen;
  }

  /** Also to be called when the account or API URL changes, so listeners re-read. */
  fire(): void {
    this.lastSeen = this.signature();
    for (const listener of [...this.listeners]) {
      listener();
    }
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.bindingSubscription?.dispose();
    this.bindings?.dispose?.();
    this.listeners.clear();
  }

  private read(): Stored {
    const raw = this.state.get<unknown>(ACTIVE_WORKSPACE_KEY);
    return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw as Stored : {};
  }
}
