import * as vscode from 'vscode';
import type { Transport } from '../api/transport';
import type { Logger } from '../log/logger';
import type { Ui } from '../ui/ui';
import { systemClock } from '../util/clock';
import { normalizeApiUrl } from '../api/apiUrl';
import { AccountService, type SelectionMemory } from './accountService';
import { createBackend, transportFor } from './backend';
import { ModboxAuthenticationProvider, PROVIDER_ID, PROVIDER_LABEL } from './provider';
import { join } from 'node:path';
import { deferredSignIn, type SignInApi } from './signIn/deferred';
import type { SignInHost } from './signIn/signIn';
import { sessionExpiredPrompt } from './signIn/signInUi';

export interface AuthDeps {
  apiUrl: string;
  log: Logger;
  ui: Ui;
  transport: Transport;
  /** Sent as X-Workspace-Id. */
  workspaceId(): string | undefined;
  /** Where dist/signIn.js is (the sign-in flows, loaded on first use). */
  extensionPath: string;
}

export interface Auth {
  account: AccountService;
  signIn: SignInApi;
  /** In the order they should be disposed: sign-in first, so cancelling it can still log. */
  disposables: vscode.Disposable[];
}

/** The account, the sign-in that feeds it, and the `modbox` authentication provider over them. */
export function createAuth(context: vscode.ExtensionContext, deps: AuthDeps): Auth {
  const { log, ui } = deps;
  const clock = systemClock;
  const signIn = deferredSignIn(() => {
    // A bundle of its own, so activation does not pay for the sign-in flows.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const flows = require(join(deps.extensionPath, 'dist', 'signIn.js')) as typeof import('./signIn/bundle');
    const pending = new flows.PendingSignIns(clock, log);
    const real = new flows.SignIn({ log, clock, ui, pending, memento: context.globalState, host: signInHost() });
    return {
      run: (backend, options) => real.run(backend, options),
      handleUri: (uri) => real.handleUri(uri as vscode.Uri),
      onDidHandleCallback: real.onDidHandleCallback,
      // The order they were disposed in before the flows had a bundle of their own.
      dispose: () => {
        pending.dispose();
        real.dispose();
      },
    };
  });
  const account = new AccountService(deps.apiUrl, {
    log,
    secrets: context.secrets,
    clock,
    selection: selectionMemory(context.globalState),
    createBackend: (apiUrl, accountId) =>
      createBackend(apiUrl, accountId, {
        secrets: context.secrets,
        transport: transportFor(apiUrl, deps.transport),
        clock,
        log,
        version: String(context.extension.packageJSON.version),
        workspaceId: deps.workspaceId,
      }),
    interactiveSignIn: (backend, options) => signIn.run(backend, options),
    promptSessionExpired: sessionExpiredPrompt(ui, log),
  });
  const disposables: vscode.Disposable[] = [
    signIn,
    account,
    vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, PROVIDER_LABEL, new ModboxAuthenticationProvider(account), {
      supportsMultipleAccounts: true,
    }),
    ...trackContextKeys(account, log),
  ];
  return { account, signIn, disposables };
}

const SELECTED_ACCOUNT_KEY = 'modbox.selectedAccount';

/** The selected account per server, in globalState: account ids only, never tokens. */
function selectionMemory(memento: vscode.Memento): SelectionMemory {
  const all = (): Record<string, string> => {
    const value = memento.get<unknown>(SELECTED_ACCOUNT_KEY);
    return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
  };
  return {
    get: (apiUrl) => {
      const id = all()[normalizeApiUrl(apiUrl)];
      return typeof id === 'string' ? id : undefined;
    },
    set: (apiUrl, accountId) => {
      const next = { ...all() };
      if (accountId === undefined) {
        delete next[normalizeApiUrl(apiUrl)];
      } else {
        next[normalizeApiUrl(apiUrl)] = accountId;
      }
      return memento.update(SELECTED_ACCOUNT_KEY, next);
    },
  };
}

function signInHost(): SignInHost {
  return {
    uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
    remoteName: vscode.env.remoteName,
    uriScheme: vscode.env.uriScheme,
    platform: process.platform,
    asExternalUri: (uri) => vscode.env.asExternalUri(uri),
    // Handed over as a string on purpose: VS Code opens a string exactly as
    // given, while a Uri is decoded and re-encoded, which breaks a
    // redirect_uri that carries its own query (code-server's callback page).
    openExternal: (url) => vscode.env.openExternal(url as unknown as vscode.Uri),
  };
}

/** Keeps `modbox.signedIn` and `modbox.loaded` (used by menus and welcome views) in step with the account, and loads it. */
function trackContextKeys(account: AccountService, log: Logger): vscode.Disposable[] {
  const update = (): void => {
    void vscode.commands.executeCommand('setContext', 'modbox.signedIn', account.session !== undefined);
    void vscode.commands.executeCommand('setContext', 'modbox.loaded', account.loaded);
    void vscode.commands.executeCommand('setContext', 'modbox.accountCount', account.accounts.length);
  };
  account.load().then(update, (err: unknown) => log.error(`Could not load the Modbox session: ${String(err)}`));
  return [account.onDidChangeSession(update), account.onDidChangeAccounts(update)];
}
