import { join } from 'node:path';
import * as vscode from 'vscode';
import { apiBase, parseApiUrl, unusableApiUrlError } from './api/apiUrl';
import type { ProxyOptions, Transport } from './api/transport';
import { lazyTransport } from './api/transport/lazy';
import { AccountService } from './auth/accountService';
import { createBackend } from './auth/backend';
import { PendingSignIns } from './auth/pendingSignIn';
import { ModboxAuthenticationProvider, PROVIDER_ID, PROVIDER_LABEL } from './auth/provider';
import { SignIn } from './auth/signIn';
import { sessionExpiredPrompt } from './auth/signInUi';
import { registerAccountCommands } from './commands/account';
import { createActiveWorkspace, registerViewCommands, type ModboxViews } from './commands/index';
import { createLogger } from './log/outputChannelLogger';
import { swappableUi, type Ui } from './ui/ui';
import { systemClock } from './util/clock';

// Replaced by esbuild: false in the release build, so the hooks below are
// dead code there and removed; true in development builds. Left undefined by
// tsc (out/, which VS Code never loads as the extension).
declare const MODBOX_TEST_HOOKS_BUILD: boolean | undefined;

/**
 * Handles for the integration tests. They give access to secrets, so another
 * extension must never get them: they exist only in non-release builds, and
 * only when VS Code runs the extension's tests (or the test runner asks for
 * them with MODBOX_TEST_HOOKS=1 where it loads the extension as installed).
 */
export interface TestHooks {
  account: AccountService;
  signIn: SignIn;
  secrets: vscode.SecretStorage;
  /** Makes `ui` answer every prompt (commands, views, sign-in); undefined restores VS Code's own. */
  setUi(ui: Ui | undefined): void;
  /** The extension's own trees and active workspace, so integration tests read what the views show. */
  views: ModboxViews;
  /** Where the extension keeps the active workspace. */
  globalState: vscode.Memento;
  /** The extension's log folder: the Modbox output channel writes Modbox.log there. */
  logUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): TestHooks | undefined {
  const channel = vscode.window.createOutputChannel('Modbox', { log: true });
  const log = createLogger(channel);
  const clock = systemClock;

  const transport = lazyTransport(loadTransport);
  function loadTransport(): Transport {
    // A second bundle, so activation never pays for undici.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(join(context.extensionPath, 'dist', 'transport.js')) as typeof import('./api/transport/undiciTransport');
    return module.createUndiciTransport(proxyOptions());
  }

  // The one Ui every prompt goes through, so tests can swap what answers.
  const ui = swappableUi();
  const pending = new PendingSignIns(clock, log);
  const signIn = new SignIn({
    log,
    clock,
    ui,
    pending,
    memento: context.globalState,
    host: {
      uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
      remoteName: vscode.env.remoteName,
      uriScheme: vscode.env.uriScheme,
      platform: process.platform,
      asExternalUri: (uri) => vscode.env.asExternalUri(uri),
      // Handed over as a string on purpose: VS Code opens a string exactly as
      // given, while a Uri is decoded and re-encoded, which breaks a
      // redirect_uri that carries its own query (code-server's callback page).
      openExternal: (url) => vscode.env.openExternal(url as unknown as vscode.Uri),
    },
  });

  // Created before the account because the API client sends its id as X-Workspace-Id.
  const activeWorkspace = createActiveWorkspace(context.globalState, () => account);
  const account = new AccountService(configuredApiUrl(log), {
    log,
    createBackend: (apiUrl) => {
      const problem = apiUrlProblem(apiUrl);
      return createBackend(apiUrl, {
        secrets: context.secrets,
        transport: problem ? refusingTransport(problem) : transport,
        clock,
        log,
        version: String(context.extension.packageJSON.version),
        workspaceId: () => activeWorkspace.id(),
      });
    },
    interactiveSignIn: (backend, options) => signIn.run(backend, options),
    promptSessionExpired: sessionExpiredPrompt(ui, log),
  });

  const updateContext = (): void => {
    void vscode.commands.executeCommand('setContext', 'modbox.signedIn', account.session !== undefined);
    void vscode.commands.executeCommand('setContext', 'modbox.loaded', account.loaded);
  };

  context.subscriptions.push(
    // Sign-in first: cancelling it still logs to the channel.
    pending,
    signIn,
    channel,
    account,
    { dispose: () => void transport.close() },
    vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, PROVIDER_LABEL, new ModboxAuthenticationProvider(account), {
      supportsMultipleAccounts: false,
    }),
    vscode.window.registerUriHandler({ handleUri: (uri) => signIn.handleUri(uri) }),
    account.onDidChangeSession(updateContext),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('http')) {
        transport.reset();
      }
      if (e.affectsConfiguration('modbox.apiUrl')) {
        account.switchApiUrl(configuredApiUrl(log)).catch((err: unknown) => log.error(String(err)));
      }
    }),
    ...registerAccountCommands({ account, log, showLog: () => channel.show() }),
  );

  const views = registerViewCommands(context, {
    account,
    log,
    globalState: context.globalState,
    activeWorkspace,
    ui,
    dashboardUrl: () => vscode.workspace.getConfiguration('modbox').get<string>('dashboardUrl', 'https://app.modbox.run'),
  });

  account.load().then(updateContext, (err: unknown) => log.error(`Could not load the Modbox session: ${String(err)}`));

  if (typeof MODBOX_TEST_HOOKS_BUILD === 'undefined' || MODBOX_TEST_HOOKS_BUILD) {
    if (context.extensionMode === vscode.ExtensionMode.Test || process.env.MODBOX_TEST_HOOKS === '1') {
      return {
        account, signIn, secrets: context.secrets, setUi: (next) => ui.use(next), views, globalState: context.globalState, logUri: context.logUri,
      };
    }
  }
  return undefined;
}

export function deactivate(): void {}

function configuredApiUrl(log: { warn(message: string): void }): string {
  const raw = vscode.workspace.getConfiguration('modbox').get<string>('apiUrl', 'https://api.modbox.run');
  const parsed = parseApiUrl(raw);
  if (!parsed.ok) {
    log.warn(`modbox.apiUrl is not usable: ${parsed.message}`);
    return raw.trim();
  }
  return apiBase(parsed.url);
}

function apiUrlProblem(apiUrl: string): string | undefined {
  const parsed = parseApiUrl(apiUrl);
  return parsed.ok ? undefined : parsed.message;
}

/** Stands in for the network when `modbox.apiUrl` is unsafe, so every call says why. */
function refusingTransport(message: string): Transport {
  return {
    request: () => Promise.reject(unusableApiUrlError(message)),
  };
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
