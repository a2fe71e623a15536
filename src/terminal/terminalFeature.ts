import { hostname } from 'node:os';
import * as vscode from 'vscode';
import type { ModboxClient } from '../api/client';
import type { Account } from '../auth/account';
import type { StoredSession } from '../auth/session/session';
import type { SecretStorageLike } from '../auth/session/sessionStore';
import type { Logger } from '../log/logger';
import type { Ui } from '../ui/ui';
import type { Clock } from '../util/clock';
import { messageText } from '../util/untrustedText';
import type { ActiveWorkspace } from '../workspace/activeWorkspace';
import { stoppedMessage, TerminalCredentials, terminalTokenApi, type GoneResult, type RevokeResult, type SignedInOwner } from './credentials';
import { offerTerminalCredentials, shouldOffer } from './offer';
import { terminalTokenDescription, terminalVariables } from './variables';
import type { TerminalTokenOwner } from './tokenStore';

export const TERMINAL_CREDENTIALS_SETTING = 'terminal.credentials';
export const TERMINAL_CREDENTIALS_CONTEXT = 'modbox.terminalCredentialsOn';
/** The name of terminals `modbox.openTerminal` opens (they are not offered the setting). */
export const SIGNED_IN_TERMINAL_NAME = 'Modbox';
/** How often opening terminals may check that the token still works. */
const VALIDATE_EVERY_MS = 5 * 60_000;

export interface TerminalFeatureDeps {
  account: Account & {
    beforeServerSignOut?(hook: (client: ModboxClient, session: StoredSession) => Promise<void>): vscode.Disposable;
  };
  activeWorkspace: ActiveWorkspace;
  collection: vscode.GlobalEnvironmentVariableCollection;
  secrets: SecretStorageLike;
  globalState: vscode.Memento;
  ui: Ui;
  log: Logger;
  clock: Clock;
  /** What a user reads about a failure (the views' wording). */
  describeError(err: unknown): string;
}

/** The one place that knows which workspace a folder's terminals use: its binding, else the account-wide choice. */
function workspaceFor(activeWorkspace: ActiveWorkspace, folder: vscode.WorkspaceFolder | undefined): string | undefined {
  return activeWorkspace.effective(folder?.uri)?.id;
}

/**
 * Terminal credentials in VS Code: the setting, the environment variable
 * collection (not persisted), the context key, the offer, and the exits
 * (sign-out, another account, setting off, token revoked).
 */
export class TerminalFeature implements vscode.Disposable {
  readonly credentials: TerminalCredentials;
  private readonly disposables: vscode.Disposable[] = [];
  private owner: SignedInOwner | undefined;
  private applied: string | undefined;
  private chain: Promise<void> = Promise.resolve();
  private offeredThisWindow = false;
  private lastValidated = 0;
  /** One error message per failure streak, not one per terminal. */
  private errorShown = false;

  constructor(private readonly deps: TerminalFeatureDeps) {
    this.credentials = new TerminalCredentials({
      secrets: deps.secrets,
      clock: deps.clock,
      log: deps.log,
      owner: () => ownerOf(deps.account),
      api: () => terminalTokenApi(deps.account.client()),
      description: () => terminalTokenDescription(hostname()),
    });
    deps.collection.persistent = false;
    this.owner = ownerOf(deps.account);
    this.disposables.push(
      this.credentials.watchStorage(),
      deps.account.onDidChangeSession(() => this.sessionChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`modbox.${TERMINAL_CREDENTIALS_SETTING}`)) {
          this.settingChanged();
        }
      }),
      deps.activeWorkspace.onDidChange(() => this.queue(() => this.reapply())),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.queue(() => this.reapply())),
      vscode.window.onDidOpenTerminal((terminal) => this.terminalOpened(terminal)),
      this.credentials.onDidChange(() => this.queue(() => this.reapply())),
    );
    if (deps.account.beforeServerSignOut) {
      this.disposables.push(deps.account.beforeServerSignOut((client, session) => this.signingOut(client, session)));
    }
    this.queue(() => this.start());
  }

  enabled(): boolean {
    return vscode.workspace.getConfiguration('modbox').get<boolean>(TERMINAL_CREDENTIALS_SETTING, false) === true;
  }

  /** Waits for queued work (tests, and commands that need the current state). */
  settled(): Promise<void> {
    return this.chain;
  }

  /** The variables for one terminal opened by `modbox.openTerminal`, setting on or off. Throws a ModboxError the user can read. */
  async variablesFor(folder: vscode.WorkspaceFolder | undefined): Promise<Record<string, string> | undefined> {
    const token = await this.credentials.ensureToken();
    return token && terminalVariables({ token: token.token, workspaceId: workspaceFor(this.deps.activeWorkspace, folder), apiUrl: this.deps.account.apiUrl });
  }

  /** The user revoked token `id` in the tree: if it was the terminal token, terminals lose it and the setting goes off. */
  async tokenRevokedByUser(id: string): Promise<void> {
    if (!await this.credentials.revokedByUser(id)) {
      return;
    }
    this.clearVariables();
    if (this.enabled()) {
      await vscode.workspace.getConfiguration('modbox').update(TERMINAL_CREDENTIALS_SETTING, false, vscode.ConfigurationTarget.Global);
      void this.deps.ui.showInformationMessage(vscode.l10n.t('You revoked the terminal token, so terminal credentials are now off. Turn modbox.terminal.credentials on to create a new one.'), {});
    }
  }

  private async start(): Promise<void> {
    if (!this.owner) {
      this.clearVariables();
      return;
    }
    await this.credentials.retryPending().catch((err: unknown) => this.deps.log.warn(`Pending revocations: ${String(err)}`));
    await this.reapply();
    if (this.enabled() && this.applied) {
      this.lastValidated = this.deps.clock.now();
      await this.handleGone(await this.credentials.validate());
    }
  }

  private sessionChanged(): void {
    const next = ownerOf(this.deps.account);
    const previous = this.owner;
    this.owner = next;
    if (previous && (!next || sameOwner(previous, next) === false)) {
      // Signed out or another account: the variables go at once, whatever the server says later.
      this.clearVariables();
      this.errorShown = false;
      // An account that is merely no longer the selected one keeps its token for when it is selected again.
      if (!this.stillSignedIn(previous)) {
        this.queue(() => this.credentials.sessionEnded(previous));
      }
    }
    if (next && (!previous || !sameOwner(previous, next))) {
      this.queue(() => this.start());
    } else if (next) {
      this.queue(() => this.reapply());
    }
  }

  private stillSignedIn(owner: { apiUrl: string; accountId: string }): boolean {
    return owner.apiUrl === this.deps.account.apiUrl
      && this.deps.account.accounts.some((a) => a.id === owner.accountId && a.session !== undefined);
  }

  /** Queued behind `sessionEnded` (the session change fires first), so it revokes what that step set aside. */
  private signingOut(client: ModboxClient, session: StoredSession): Promise<void> {
    const owner = { apiUrl: this.deps.account.apiUrl, accountId: session.account.id };
    if (!this.owner || sameOwner(this.owner, owner)) {
      this.clearVariables();
    }
    return new Promise((resolve) => this.queue(async () => {
      try {
        this.reportRevoke(await this.credentials.sessionEnding(owner, terminalTokenApi(client)));
      } finally {
        resolve();
      }
    }));
  }

  private settingChanged(): void {
    if (this.enabled()) {
      this.errorShown = false;
      this.queue(() => this.start());
      return;
    }
    this.clearVariables();
    this.queue(async () => this.reportRevoke(await this.credentials.turnOff()));
  }

  private reportRevoke(result: RevokeResult): void {
    if (result.kind === 'pending') {
      void this.deps.ui.showErrorMessage(vscode.l10n.t(
        "Terminals no longer get the Modbox terminal token, but Modbox couldn't revoke it on the server: {0} It will try again at your next sign-in.",
        messageText(this.deps.describeError(result.error), Infinity)), {});
    }
  }

  /** Puts the token in (or takes it out of) new terminals' environment, as the setting, session and workspace say. */
  private async reapply(): Promise<void> {
    if (!this.enabled() || !this.owner || this.credentials.isStopped()) {
      this.clearVariables();
      return;
    }
    let token: { id: string; token: string } | undefined;
    try {
      token = await this.credentials.ensureToken();
    } catch (err) {
      this.clearVariables();
      if (!this.errorShown) {
        this.errorShown = true;
        this.deps.log.warn(`Terminal credentials: ${this.deps.describeError(err)}`);
        void this.deps.ui.showErrorMessage(vscode.l10n.t("New terminals aren't signed in to Modbox: {0}", messageText(this.deps.describeError(err), Infinity)), {});
      }
      return;
    }
    if (!token || !this.enabled()) {
      this.clearVariables();
      return;
    }
    this.errorShown = false;
    this.setVariables(token.token);
  }

  private setVariables(token: string): void {
    const { collection, activeWorkspace, account } = this.deps;
    const description = vscode.l10n.t('Signs terminals in to Modbox (MODBOX_API_TOKEN, a dedicated token for this computer). Turn off with the setting modbox.terminal.credentials.');
    collection.clear();
    collection.persistent = false;
    collection.description = description;
    const fill = (target: vscode.EnvironmentVariableCollection, folder: vscode.WorkspaceFolder | undefined) => {
      for (const [name, value] of Object.entries(terminalVariables({ token, workspaceId: workspaceFor(activeWorkspace, folder), apiUrl: account.apiUrl }))) {
        target.replace(name, value);
      }
    };
    fill(collection, undefined);
    // Per folder where VS Code supports it (checked at run time: not every host has it).
    if (typeof (collection as Partial<vscode.GlobalEnvironmentVariableCollection>).getScoped === 'function') {
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const scoped = collection.getScoped({ workspaceFolder: folder });
        scoped.description = description;
        fill(scoped, folder);
      }
    }
    this.setApplied(token);
  }

  private clearVariables(): void {
    this.deps.collection.clear();
    this.setApplied(undefined);
  }

  private setApplied(token: string | undefined): void {
    const on = token !== undefined;
    if (on !== (this.applied !== undefined)) {
      void vscode.commands.executeCommand('setContext', TERMINAL_CREDENTIALS_CONTEXT, on);
    }
    this.applied = token;
  }

  private async handleGone(result: GoneResult | { kind: 'valid' } | undefined): Promise<void> {
    if (!result || result.kind === 'valid') {
      return;
    }
    if (result.kind === 'recreated') {
      void this.deps.ui.showInformationMessage(vscode.l10n.t('The Modbox terminal token was revoked elsewhere, so Modbox created a new one. Open a new terminal to use it.'), {});
      await this.reapply();
      return;
    }
    this.clearVariables();
    const why = result.kind === 'stopped' ? stoppedMessage() : this.deps.describeError(result.error);
    void this.deps.ui.showWarningMessage(vscode.l10n.t('New terminals are not signed in to Modbox: {0}', messageText(why, Infinity)), {});
  }

  private terminalOpened(terminal: vscode.Terminal): void {
    if (terminal.name === SIGNED_IN_TERMINAL_NAME) {
      return;
    }
    if (this.enabled() && this.applied && this.deps.clock.now() - this.lastValidated > VALIDATE_EVERY_MS) {
      this.lastValidated = this.deps.clock.now();
      this.queue(async () => this.handleGone(await this.credentials.validate()));
    }
    const session = this.deps.account.session;
    const situation = {
      enabled: this.enabled(),
      canCreateTokens: session?.kind === 'sso',
      inFolder: (vscode.workspace.workspaceFolders?.length ?? 0) > 0,
      offeredThisWindow: this.offeredThisWindow,
    };
    if (!shouldOffer(this.deps.globalState, situation, this.deps.clock.now())) {
      return;
    }
    this.offeredThisWindow = true;
    void offerTerminalCredentials({
      ui: this.deps.ui,
      state: this.deps.globalState,
      now: () => this.deps.clock.now(),
      l10n: vscode.l10n,
      turnOn: async () => {
        await vscode.workspace.getConfiguration('modbox').update(TERMINAL_CREDENTIALS_SETTING, true, vscode.ConfigurationTarget.Global);
      },
    }).catch((err: unknown) => this.deps.log.error('Terminal credentials offer failed.', err));
  }

  /** Runs one step after another, so a sign-out never interleaves with a re-apply. Never rejects. */
  private queue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: unknown) => {
      this.deps.log.error('Terminal credentials failed unexpectedly.', err);
    });
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.deps.collection.clear();
  }
}

function ownerOf(account: Account): SignedInOwner | undefined {
  const session = account.session;
  return session && { apiUrl: account.apiUrl, accountId: session.account.id, canManageTokens: session.kind === 'sso' };
}

function sameOwner(a: TerminalTokenOwner, b: TerminalTokenOwner): boolean {
  return a.apiUrl === b.apiUrl && a.accountId === b.accountId;
}
