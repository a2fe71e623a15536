import * as vscode from 'vscode';
import { isModboxError } from '../api/errors';
import type { Account } from '../auth/account';
import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import type { ApiTokensTreeProvider } from '../views/apiTokensTree';
import { busyText, errorReason, loadFailedText } from '../views/errorText';
import type { SandboxesTreeProvider } from '../views/sandboxesTree';
import type { SessionBoundTree } from '../views/sessionTree';
import type { WorkspacesTreeProvider } from '../views/workspacesTree';
import type { ActiveWorkspace } from '../workspace/activeWorkspace';
import type { Ui } from '../ui/ui';
import type { SandboxDetailsDocuments } from './sandboxDetails';

/** What the view commands run against; tests build one with a scripted `ui`. */
export interface CommandEnv {
  account: Account;
  log: Logger;
  ui: Ui;
  clock: Clock;
  apiTokens: Pick<ApiTokensTreeProvider, 'refresh' | 'removeLocally' | 'ensureLoaded' | 'state'>;
  workspaces: Pick<WorkspacesTreeProvider, 'refresh' | 'ensureLoaded' | 'state'>;
  activeWorkspace: ActiveWorkspace;
  /** Default for a new token's description: `vscode-<machineName>`. */
  machineName: string;
  dashboardUrl: () => string;
  sandboxes: Pick<SandboxesTreeProvider,
    'refresh' | 'ensureLoaded' | 'state' | 'value' | 'rows' | 'removeLocally' | 'setFilter' | 'filter' | 'ttls' | 'workspaceName'>;
  sandboxDetails: Pick<SandboxDetailsDocuments, 'show'>;
}

/**
 * Commands that need a session offer "Sign In" instead of failing. Resolves
 * true once there is a session (the command then carries on).
 */
export async function ensureSignedIn(env: CommandEnv, why: string): Promise<boolean> {
  if (env.account.session) {
    return true;
  }
  const signIn = vscode.l10n.t('Sign In');
  const choice = await env.ui.showInformationMessage(why, {}, signIn);
  if (choice !== signIn) {
    return false;
  }
  await env.account.signIn();
  return env.account.session !== undefined;
}

/** A view's list, for a picker: loaded if it is not yet; undefined (with the reason shown) when it failed or is empty. */
export async function listForPicker<T>(
  env: CommandEnv,
  source: Pick<SessionBoundTree<readonly T[], unknown>, 'ensureLoaded' | 'state'>,
  list: 'workspaces' | 'apiTokens',
  emptyMessage: string,
): Promise<readonly T[] | undefined> {
  const items = await source.ensureLoaded();
  if (!items) {
    const state = source.state;
    const reason = state.kind === 'failed' ? errorReason(state.error, vscode.l10n) : vscode.l10n.t('Try again.');
    void env.ui.showErrorMessage(loadFailedText(list, reason, vscode.l10n), {});
    return undefined;
  }
  if (items.length === 0) {
    void env.ui.showInformationMessage(emptyMessage, {});
    return undefined;
  }
  return items;
}

/**
 * The row a command was run on from a view's context menu, or undefined when
 * it came from the palette (or anywhere else: arguments are not trusted).
 */
export function rowArgument<T extends { id: string }>(arg: unknown, kind: string, field: string): T | undefined {
  const node = arg as Record<string, unknown> | undefined;
  const value = node?.[field] as { id?: unknown } | undefined;
  return node?.kind === kind && typeof value?.id === 'string' ? value as T : undefined;
}

/** Runs a task under a notification progress; the title names what is happening. */
function withNotification<T>(title: string, task: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, task));
}

/** Failures after which a write may or may not have happened on the server. */
export function isAmbiguousFailure(error: unknown): boolean {
  return isModboxError(error) && ['timeout', 'offline', 'server', 'badResponse'].includes(error.kind);
}

/** At most this many "Try Again" rounds after rate limits, so nothing loops. */
const MAX_USER_RETRIES = 3;

/**
 * Runs a write (create, revoke) once. It is never retried automatically: after
 * a rate limit the user may choose "Try Again", and the remaining wait is
 * shown ("Modbox is busy. Retrying in 5 s…") before the second attempt.
 * Resolves `{ ok: false }` with the error shown to the user when it fails.
 */
export async function runWrite<T>(
  env: CommandEnv,
  progressTitle: string,
  failureMessage: (reason: string, error: unknown) => string,
  write: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { ok: true, value: await withNotification(progressTitle, write) };
    } catch (error) {
      const reason = errorReason(error, vscode.l10n);
      env.log.warn(`${progressTitle} failed: ${reason}`);
      const rateLimited = isModboxError(error) && error.kind === 'rateLimited';
      if (!rateLimited || attempt >= MAX_USER_RETRIES) {
        void env.ui.showErrorMessage(failureMessage(reason, error), {});
        return { ok: false, error };
      }
      const retryAt = env.clock.now() + (isModboxError(error) && error.retryAfterMs !== undefined ? error.retryAfterMs : 0);
      const tryAgain = vscode.l10n.t('Try Again');
      if (await env.ui.showErrorMessage(failureMessage(reason, error), {}, tryAgain) !== tryAgain) {
        return { ok: false, error };
      }
      const remaining = retryAt - env.clock.now();
      if (remaining > 0 && !await waitVisibly(env, remaining)) {
        return { ok: false, error };
      }
    }
  }
}

/** Waits with a cancellable notification; resolves false if the user cancelled. */
function waitVisibly(env: CommandEnv, ms: number): Promise<boolean> {
  return Promise.resolve(vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification,
    title: busyText(ms, vscode.l10n),
    cancellable: true,
  }, (_progress, cancel) => new Promise<boolean>((resolve) => {
    const timer = env.clock.setTimeout(() => {
      sub.dispose();
      resolve(true);
    }, ms);
    const sub = cancel.onCancellationRequested(() => {
      timer.cancel();
      sub.dispose();
      resolve(false);
    });
  })));
}
