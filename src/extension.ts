import * as vscode from 'vscode';
import type { AccountService } from './auth/accountService';
import { createAuth } from './auth/auth';
import type { SignInApi } from './auth/signIn/deferred';
import { CALLBACK_PATH } from './auth/signIn/signIn';
import { registerAccountCommands } from './commands/account';
import { OPEN_LINK_PATH } from './commands/deepLinkUri';
import { createActiveWorkspace, registerViewCommands, type ModboxViews } from './commands/register';
import { uriRouter } from './commands/uriRouter';
import { configuredApiUrl, configuredDashboardUrl, configuredTransport, watchSettings } from './config/settings';
import { createLogger } from './log/outputChannelLogger';
import { swappableUi, type Ui } from './ui/ui';
import { TerminalFeature } from './terminal/terminalFeature';
import { systemClock } from './util/clock';
import { errorReason } from './views/errorText';

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
  signIn: SignInApi;
  secrets: vscode.SecretStorage;
  /** Makes `ui` answer every prompt (commands, views, sign-in); undefined restores VS Code's own. */
  setUi(ui: Ui | undefined): void;
  /** The extension's own trees and active workspace, so integration tests read what the views show. */
  views: ModboxViews;
  /** Where the extension keeps the active workspace. */
  globalState: vscode.Memento;
  /** The extension's log folder: the Modbox output channel writes Modbox.log there. */
  logUri: vscode.Uri;
  /** The extension's URI handler (code-server cannot open a vscode:// link from a test). */
  handleUri(uri: vscode.Uri): void;
  /** Terminal credentials (the token's lifecycle and the environment variable collection). */
  terminal: TerminalFeature;
}

export function activate(context: vscode.ExtensionContext): TestHooks | undefined {
  const channel = vscode.window.createOutputChannel('Modbox', { log: true });
  const log = createLogger(channel);
  // The one Ui every prompt goes through, so tests can swap what answers.
  const ui = swappableUi();
  const transport = configuredTransport(context.extensionPath);
  // Created before the account because the API client sends its id as X-Workspace-Id.
  const activeWorkspace = createActiveWorkspace(context.globalState, () => account);
  const { account, signIn, disposables } = createAuth(context, { apiUrl: configuredApiUrl(log), log, ui, transport, workspaceId: () => activeWorkspace.id(), extensionPath: context.extensionPath });

  context.subscriptions.push(
    ...disposables,
    channel,
    { dispose: () => void transport.close() },
    watchSettings(transport, (apiUrl) => account.switchApiUrl(apiUrl), log),
    ...registerAccountCommands({ account, log, ui, showLog: () => channel.show() }),
  );
  const terminal = new TerminalFeature({
    account, activeWorkspace, collection: context.environmentVariableCollection, secrets: context.secrets, globalState: context.globalState,
    ui, log, clock: systemClock, describeError: (err) => errorReason(err, vscode.l10n),
  });
  context.subscriptions.push(terminal);
  const views = registerViewCommands(context, { account, log, globalState: context.globalState, activeWorkspace, ui, dashboardUrl: configuredDashboardUrl, terminal, extensionPath: context.extensionPath });
  const uriHandler = uriRouter<vscode.Uri>({
    [CALLBACK_PATH]: (uri) => signIn.handleUri(uri),
    [OPEN_LINK_PATH]: (uri) => void views.openLink(uri.query),
  }, log);
  context.subscriptions.push(vscode.window.registerUriHandler(uriHandler));

  if (typeof MODBOX_TEST_HOOKS_BUILD === 'undefined' || MODBOX_TEST_HOOKS_BUILD) {
    if (context.extensionMode === vscode.ExtensionMode.Test || process.env.MODBOX_TEST_HOOKS === '1') {
      return {
        account, signIn, secrets: context.secrets, setUi: (next) => ui.use(next), views, globalState: context.globalState, logUri: context.logUri, terminal,
        handleUri: (uri) => uriHandler.handleUri(uri),
      };
    }
  }
  return undefined;
}

export function deactivate(): void {}
