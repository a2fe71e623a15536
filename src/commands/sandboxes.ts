import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { isModboxError } from '../api/errors';
import type { Timer } from '../util/clock';
import { labelText, messageText } from '../util/untrustedText';
import { accountKey } from '../views/accountKey';
import { errorReason } from '../views/errorText';
import { sandboxesClient, type SandboxImageFields } from '../views/sandboxesClient';
import { formatTtl, sandboxLabel, statusClass, type SandboxFields } from '../views/sandboxesText';
import type { SandboxNode } from '../views/sandboxesTree';
import type { SandboxFilter } from '../views/sandboxState';
import { ensureSignedIn, isAmbiguousFailure, runWrite, type CommandEnv } from './env';
import {
  defaultTaskId, MAX_ENV_VARS, openableSandboxUrl, parseEnvVar, ttlChoices, TTL_MAX_SECONDS, TTL_MIN_SECONDS,
  validateEnvVar, validateTaskId, validateTtl,
} from './sandboxInput';

/** Context key the walkthrough completes on: set once a sandbox this editor created is running. */
export const SANDBOX_CREATED_CONTEXT = 'modbox.sandboxCreated';

/** Each wait call asks the server to answer within this many seconds, so Cancel never waits long. */
const WAIT_CALL_SECONDS = 5;
/** The notification gives up waiting (the sandbox carries on) after this long. */
const MAX_WAIT_MS = 10 * 60_000;
/** Failed wait calls in a row (network, 5xx) before giving up waiting. */
const MAX_WAIT_FAILURES = 3;

/** The row a command was run on (context menu or click), or undefined: arguments are not trusted. */
export function sandboxFromArgument(arg: unknown): SandboxNode | undefined {
  const node = arg as { kind?: unknown; sandbox?: { id?: unknown; name?: unknown; status?: unknown }; workspaceId?: unknown } | undefined;
  return node?.kind === 'sandbox' && typeof node.sandbox?.id === 'string' && typeof node.sandbox.name === 'string'
    && typeof node.sandbox.status === 'string' && typeof node.workspaceId === 'string'
    ? node as SandboxNode
    : undefined;
}

/** The rows a multi-select command acts on: the selection when the clicked row is in it, else the clicked row. */
export function selectedSandboxes(arg: unknown, selection: unknown): SandboxNode[] {
  const clicked = sandboxFromArgument(arg);
  const selected = Array.isArray(selection) ? selection.map(sandboxFromArgument).filter((n): n is SandboxNode => n !== undefined) : [];
  const rows = clicked && selected.some((n) => n.sandbox.id === clicked.sandbox.id) ? selected : clicked ? [clicked] : [];
  const seen = new Set<string>();
  return rows.filter((n) => n.workspaceId === rows[0].workspaceId && !seen.has(n.sandbox.id) && seen.add(n.sandbox.id));
}

function label(sandbox: SandboxFields): string {
  return messageText(sandboxLabel(sandbox, vscode.l10n));
}

/** The active workspace's id, offering to choose one when there is none. */
async function requireWorkspace(env: CommandEnv): Promise<string | undefined> {
  const current = env.activeWorkspace.id();
  if (current) {
    return current;
  }
  const select = vscode.l10n.t('Select Workspace');
  const choice = await env.ui.showInformationMessage(
    vscode.l10n.t('Sandboxes belong to a workspace. Choose a Modbox workspace first.'), {}, select);
  if (choice !== select) {
    return undefined;
  }
  await vscode.commands.executeCommand('modbox.selectWorkspace');
  return env.activeWorkspace.id();
}

interface SandboxPick extends vscode.QuickPickItem {
  node: SandboxNode;
}

/** A quick pick of the listed sandboxes that `accept`s, for commands run from the palette. */
async function pickSandbox(
  env: CommandEnv, title: string, accept: (s: SandboxFields) => boolean, none: string,
): Promise<SandboxNode | undefined> {
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to work with sandboxes.'))) {
    return undefined;
  }
  if (!await requireWorkspace(env)) {
    return undefined;
  }
  await env.sandboxes.ensureLoaded();
  const state = env.sandboxes.state;
  if (state.kind === 'failed') {
    void env.ui.showErrorMessage(vscode.l10n.t("Couldn't load sandboxes: {0}", errorReason(state.error, vscode.l10n)), {});
    return undefined;
  }
  const nodes = env.sandboxes.rows.filter((n) => accept(n.sandbox));
  if (nodes.length === 0) {
    void env.ui.showInformationMessage(messageText(none), {});
    return undefined;
  }
  const items = nodes.map((node): SandboxPick => ({
    label: label(node.sandbox),
    description: messageText(node.sandbox.status),
    detail: messageText(node.sandbox.image ?? ''),
    node,
  }));
  const picked = await env.ui.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Which sandbox?'), matchOnDescription: true });
  return picked?.node;
}

function anySandbox(): boolean {
  return true;
}

function notDestroyed(s: SandboxFields): boolean {
  return statusClass(s.status) !== 'destroyed';
}

function withUrl(s: SandboxFields): boolean {
  return Boolean(s.sandboxUrl) && notDestroyed(s);
}

// ---- Create ----

interface ImagePick extends vscode.QuickPickItem {
  imageId: string | undefined;
}

function imageRef(image: SandboxImageFields): string {
  if (!image.image) {
    return '';
  }
  return image.tag ? `${image.image}:${image.tag}` : image.image;
}

/** The images of a workspace, or why they could not be loaded (message text). */
async function loadImages(env: CommandEnv, workspaceId: string): Promise<{ images: readonly SandboxImageFields[] } | { error: string }> {
  try {
    return {
      images: await Promise.resolve(vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading sandbox images…') },
        () => sandboxesClient(env.account).listSandboxImages(workspaceId))),
    };
  } catch (error) {
    const reason = errorReason(error, vscode.l10n);
    env.log.warn(`Couldn't load sandbox images: ${reason}`);
    return { error: reason };
  }
}

/** The image quick pick: "Workspace default" first, then the enabled images. Undefined = Escape. */
async function pickImage(env: CommandEnv, workspaceId: string): Promise<{ imageId: string | undefined } | undefined> {
  const loaded = await loadImages(env, workspaceId);
  const images = 'images' in loaded ? loaded.images : [];
  const loadError = 'error' in loaded ? messageText(loaded.error) : undefined;
  const usable = images.filter((image) => image.enabled !== false);
  const fallback = usable.find((image) => image.isDefault);
  const items: ImagePick[] = [
    {
      label: vscode.l10n.t('Workspace default'),
      description: fallback ? messageText(imageRef(fallback) || fallback.name) : '',
      detail: loadError
        ? vscode.l10n.t("Couldn't load the image list: {0}", loadError)
        : vscode.l10n.t("Modbox uses the workspace's default image."),
      imageId: undefined,
    },
    ...usable.map((image): ImagePick => ({
      label: messageText(image.name),
      description: messageText(imageRef(image)),
      detail: image.description ? messageText(image.description) : undefined,
      imageId: image.id,
    })),
  ];
  const picked = await env.ui.showQuickPick(items, {
    title: vscode.l10n.t('Create Sandbox: Image'),
    placeHolder: vscode.l10n.t('Which image should the sandbox run?'),
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return picked ? { imageId: picked.imageId } : undefined;
}

interface TtlPick extends vscode.QuickPickItem {
  seconds: number | undefined | 'custom';
}

/** The TTL quick pick (documented recommendations, no limit, custom). Undefined = Escape. */
async function pickTtl(env: CommandEnv): Promise<{ seconds: number | undefined } | undefined> {
  const items: TtlPick[] = [
    ...ttlChoices(vscode.l10n).map((choice): TtlPick => ({
      label: choice.seconds === undefined ? vscode.l10n.t('No limit') : formatTtl(choice.seconds, vscode.l10n),
      description: choice.use,
      seconds: choice.seconds,
    })),
    { label: vscode.l10n.t('Custom…'), description: vscode.l10n.t('{0}–{1} seconds', TTL_MIN_SECONDS, TTL_MAX_SECONDS), seconds: 'custom' },
  ];
  const picked = await env.ui.showQuickPick(items, {
    title: vscode.l10n.t('Create Sandbox: Time to Live'),
    placeHolder: vscode.l10n.t('How long may the sandbox live? Modbox destroys it after this time.'),
    ignoreFocusOut: true,
  });
  if (!picked) {
    return undefined;
  }
  if (picked.seconds !== 'custom') {
    return { seconds: picked.seconds };
  }
  const custom = await env.ui.showInputBox({
    title: vscode.l10n.t('Create Sandbox: Time to Live'),
    prompt: vscode.l10n.t('Seconds, from {0} to {1}.', TTL_MIN_SECONDS, TTL_MAX_SECONDS),
    value: '600',
    ignoreFocusOut: true,
    validateInput: (value) => validateTtl(value, vscode.l10n),
  });
  if (custom === undefined || validateTtl(custom, vscode.l10n) !== undefined) {
    return undefined;
  }
  return { seconds: Number(custom.trim()) };
}

/** Optional environment variables, one KEY=VALUE per prompt; empty ends. Undefined = Escape. Values are never logged. */
async function askEnvVars(env: CommandEnv): Promise<Record<string, string> | undefined> {
  const vars: Record<string, string> = {};
  for (let count = 0; count < MAX_ENV_VARS; count++) {
    const value = await env.ui.showInputBox({
      title: vscode.l10n.t('Create Sandbox: Environment Variables (optional)'),
      prompt: count === 0
        ? vscode.l10n.t('An environment variable for the sandbox as KEY=VALUE, or leave empty to create the sandbox.')
        : vscode.l10n.t('Another KEY=VALUE ({0} so far), or leave empty to create the sandbox.', count),
      placeHolder: 'KEY=VALUE',
      ignoreFocusOut: true,
      validateInput: (v) => validateEnvVar(v, vscode.l10n),
    });
    if (value === undefined) {
      return undefined;
    }
    if (!value.trim()) {
      break;
    }
    const parsed = parseEnvVar(value);
    if (!parsed) {
      return undefined;
    }
    vars[parsed.key] = parsed.value;
  }
  return vars;
}

type WaitOutcome =
  | { kind: 'running' }
  | { kind: 'cancelled' }
  | { kind: 'timeout' }
  | { kind: 'ended'; status: string }
  | { kind: 'error'; error: unknown };

/** Resolves with `promise`, or with 'cancelled' as soon as `token` is cancelled. */
function unlessCancelled<T>(promise: Promise<T>, token: vscode.CancellationToken): Promise<T | 'cancelled'> {
  if (token.isCancellationRequested) {
    return Promise.resolve('cancelled');
  }
  return new Promise((resolve, reject) => {
    const sub = token.onCancellationRequested(() => {
      sub.dispose();
      resolve('cancelled');
    });
    promise.then((v) => {
      sub.dispose();
      resolve(v);
    }, (e: unknown) => {
      sub.dispose();
      reject(e);
    });
  });
}

function transient(error: unknown): boolean {
  return isModboxError(error) && ['timeout', 'offline', 'server', 'rateLimited', 'badResponse'].includes(error.kind);
}

/**
 * Waits for a provisioned sandbox in a cancellable notification that counts
 * the seconds. Short wait calls, so Cancel is prompt; between them the
 * detail says whether it ended (destroyed, failed) instead of starting.
 */
function waitUntilRunning(env: CommandEnv, workspaceId: string, taskId: string, sandboxId: string): Thenable<WaitOutcome> {
  const client = sandboxesClient(env.account);
  const shown = messageText(labelText(taskId));
  const title = vscode.l10n.t("Provisioning sandbox '{0}'…", shown);
  const ui = env.ui;
  const task = async (
    progress: vscode.Progress<{ message?: string }>, token: vscode.CancellationToken,
  ): Promise<WaitOutcome> => {
    const started = env.clock.now();
    const abort = new AbortController();
    const cancelSub = token.onCancellationRequested(() => abort.abort());
    let ticker: Timer | undefined;
    const tick = () => {
      progress.report({ message: vscode.l10n.t('{0} s', Math.floor((env.clock.now() - started) / 1000)) });
      ticker = env.clock.setTimeout(tick, 1000);
    };
    tick();
    try {
      let failures = 0;
      for (;;) {
        if (token.isCancellationRequested) {
          return { kind: 'cancelled' };
        }
        if (env.clock.now() - started >= MAX_WAIT_MS) {
          return { kind: 'timeout' };
        }
        try {
          const waited = await unlessCancelled(client.waitForSandbox(workspaceId, taskId, {
            timeoutSeconds: WAIT_CALL_SECONDS, pollIntervalSeconds: 1, signal: abort.signal,
          }), token);
          if (waited === 'cancelled') {
            return { kind: 'cancelled' };
          }
          failures = 0;
          if (waited.ready) {
            return { kind: 'running' };
          }
          const sandbox = await unlessCancelled(client.getSandbox(workspaceId, sandboxId, abort.signal), token);
          if (sandbox === 'cancelled') {
            return { kind: 'cancelled' };
          }
          const status = statusClass(sandbox.status);
          if (status === 'running') {
            return { kind: 'running' };
          }
          if (status === 'destroyed' || status === 'failed') {
            return { kind: 'ended', status: sandbox.status };
          }
        } catch (error) {
          if (token.isCancellationRequested) {
            return { kind: 'cancelled' };
          }
          if (!transient(error) || ++failures >= MAX_WAIT_FAILURES) {
            return { kind: 'error', error };
          }
          const pause = await unlessCancelled(new Promise<void>((resolve) => env.clock.setTimeout(resolve, 2000)), token);
          if (pause === 'cancelled') {
            return { kind: 'cancelled' };
          }
        }
      }
    } finally {
      cancelSub.dispose();
      ticker?.cancel();
    }
  };
  if (ui.withProgress) {
    return ui.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, task);
  }
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, task);
}

/**
 * Asks for a task id, an image, a TTL and optional environment variables;
 * provisions once (never retried); waits for it in a cancellable notification;
 * then offers Open and Copy URL.
 */
export async function createSandbox(env: CommandEnv): Promise<void> {
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to create a sandbox.'))) {
    return;
  }
  const workspaceId = await requireWorkspace(env);
  if (!workspaceId) {
    return;
  }
  const key = accountKey(env.account.apiUrl, env.account.session);
  const rawTaskId = await env.ui.showInputBox({
    title: vscode.l10n.t('Create Sandbox'),
    prompt: vscode.l10n.t('Task id: a name for the sandbox (1–255 characters), such as agent-42 or pr-1234.'),
    value: defaultTaskId(vscode.workspace.workspaceFolders?.[0]?.name, randomBytes(3).toString('hex').slice(0, 4)),
    ignoreFocusOut: true,
    validateInput: (value) => validateTaskId(value, vscode.l10n),
  });
  if (rawTaskId === undefined || validateTaskId(rawTaskId, vscode.l10n) !== undefined) {
    return;
  }
  const taskId = rawTaskId.trim();
  const image = await pickImage(env, workspaceId);
  if (!image) {
    return;
  }
  const ttl = await pickTtl(env);
  if (!ttl) {
    return;
  }
  const envVars = await askEnvVars(env);
  if (!envVars) {
    return;
  }
  if (accountKey(env.account.apiUrl, env.account.session) !== key) {
    void env.ui.showInformationMessage(vscode.l10n.t('The Modbox account changed, so no sandbox was created.'), {});
    return;
  }
  const shown = messageText(labelText(taskId));
  const result = await runWrite(
    env,
    vscode.l10n.t("Creating sandbox '{0}'…", shown),
    (reason, error) => isAmbiguousFailure(error)
      ? vscode.l10n.t("Couldn't confirm sandbox '{0}' was created: {1} Check the Sandboxes view before trying again.", shown, reason)
      : isModboxError(error) && error.kind === 'rejected' && error.detail
        // Modbox said no (`success: false`): its own words, as plain text.
        ? vscode.l10n.t("Couldn't create sandbox '{0}': {1}", shown, messageText(error.detail))
        : vscode.l10n.t("Couldn't create sandbox '{0}': {1}", shown, reason),
    () => sandboxesClient(env.account).provisionSandbox(workspaceId, {
      taskId,
      ...(image.imageId ? { imageId: image.imageId } : {}),
      ...(ttl.seconds !== undefined ? { ttlSeconds: ttl.seconds } : {}),
      ...(Object.keys(envVars).length ? { envVars } : {}),
    }),
  );
  if (!result.ok) {
    if (isAmbiguousFailure(result.error)) {
      void env.sandboxes.refresh();
    }
    return;
  }
  const provisioned = result.value;
  env.log.info('Provisioning a sandbox.');
  if (ttl.seconds !== undefined) {
    await env.sandboxes.ttls.remember(provisioned.sandboxId, ttl.seconds);
  }
  void env.sandboxes.refresh();

  const outcome = await waitUntilRunning(env, workspaceId, taskId, provisioned.sandboxId);
  switch (outcome.kind) {
    case 'cancelled':
      void env.ui.showInformationMessage(vscode.l10n.t(
        "Stopped waiting. Sandbox '{0}' keeps provisioning: the Sandboxes view shows when it is running, and you can destroy it there.", shown), {});
      return;
    case 'timeout':
      void env.ui.showInformationMessage(vscode.l10n.t(
        "Sandbox '{0}' is still provisioning after 10 minutes. The Sandboxes view shows when it is running.", shown), {});
      return;
    case 'ended':
      void env.sandboxes.refresh();
      void env.ui.showErrorMessage(vscode.l10n.t("Sandbox '{0}' did not start: Modbox reports it as {1}.", shown, messageText(outcome.status)), {});
      return;
    case 'error':
      void env.ui.showErrorMessage(vscode.l10n.t(
        "Couldn't check on sandbox '{0}': {1} It may still be starting; the Sandboxes view shows its status.",
        shown, errorReason(outcome.error, vscode.l10n)), {});
      return;
    case 'running':
      break;
  }
  env.log.info('A sandbox is running.');
  void vscode.commands.executeCommand('setContext', SANDBOX_CREATED_CONTEXT, true);
  await env.sandboxes.refresh();
  const listed = env.sandboxes.value?.sandboxes.find((s) => s.id === provisioned.sandboxId);
  const sandbox: SandboxFields = listed ?? { id: provisioned.sandboxId, name: taskId, status: 'running', sandboxUrl: provisioned.sandboxUrl };
  const url = sandbox.sandboxUrl ?? provisioned.sandboxUrl;
  const open = vscode.l10n.t('Open');
  const copy = vscode.l10n.t('Copy URL');
  const choice = await env.ui.showInformationMessage(
    vscode.l10n.t("Sandbox '{0}' is running.", shown), {}, ...(url ? [open, copy] : []));
  if (choice === open) {
    await openUrl(env, { ...sandbox, sandboxUrl: url });
  } else if (choice === copy) {
    await copyUrl(env, { ...sandbox, sandboxUrl: url });
  }
}

// ---- Open, copy, details ----

async function openUrl(env: CommandEnv, sandbox: SandboxFields): Promise<void> {
  if (!sandbox.sandboxUrl) {
    void env.ui.showInformationMessage(vscode.l10n.t("Sandbox '{0}' has no URL yet.", label(sandbox)), {});
    return;
  }
  const target = openableSandboxUrl(sandbox.sandboxUrl);
  if (!target) {
    void env.ui.showErrorMessage(vscode.l10n.t(
      "Not opening sandbox '{0}': its address is not https:// (or http:// to this machine): {1}", label(sandbox), messageText(sandbox.sandboxUrl)), {});
    return;
  }
  await env.ui.openExternal(vscode.Uri.parse(target, true));
}

async function copyUrl(env: CommandEnv, sandbox: SandboxFields): Promise<void> {
  if (!sandbox.sandboxUrl) {
    void env.ui.showInformationMessage(vscode.l10n.t("Sandbox '{0}' has no URL yet.", label(sandbox)), {});
    return;
  }
  const target = openableSandboxUrl(sandbox.sandboxUrl);
  if (!target) {
    void env.ui.showErrorMessage(vscode.l10n.t(
      "Not copying the address of sandbox '{0}': it is not https:// (or http:// to this machine): {1}", label(sandbox), messageText(sandbox.sandboxUrl)), {});
    return;
  }
  await env.ui.writeClipboard(target);
  void env.ui.showInformationMessage(vscode.l10n.t("Copied the URL of sandbox '{0}'.", label(sandbox)), {});
}

/** Opens a running sandbox's URL (the default click on a running row). */
export async function openSandbox(env: CommandEnv, arg?: unknown): Promise<void> {
  const node = sandboxFromArgument(arg)
    ?? await pickSandbox(env, vscode.l10n.t('Open Sandbox'), withUrl, vscode.l10n.t('No sandbox of this workspace has a URL yet.'));
  if (node) {
    await openUrl(env, node.sandbox);
  }
}

export async function copySandboxUrl(env: CommandEnv, arg?: unknown): Promise<void> {
  const node = sandboxFromArgument(arg)
    ?? await pickSandbox(env, vscode.l10n.t('Copy Sandbox URL'), withUrl, vscode.l10n.t('No sandbox of this workspace has a URL yet.'));
  if (node) {
    await copyUrl(env, node.sandbox);
  }
}

export async function copySandboxId(env: CommandEnv, arg?: unknown): Promise<void> {
  const node = sandboxFromArgument(arg)
    ?? await pickSandbox(env, vscode.l10n.t('Copy Sandbox ID'), anySandbox, vscode.l10n.t('This workspace has no sandboxes.'));
  if (!node) {
    return;
  }
  await env.ui.writeClipboard(node.sandbox.id);
  void env.ui.showInformationMessage(vscode.l10n.t("Copied the ID of sandbox '{0}'.", label(node.sandbox)), {});
}

/** A read-only editor with the detail JSON (GET /sandboxes/detail/{id}). */
export async function showSandboxDetails(env: CommandEnv, arg?: unknown): Promise<void> {
  const node = sandboxFromArgument(arg)
    ?? await pickSandbox(env, vscode.l10n.t('Show Sandbox Details'), anySandbox, vscode.l10n.t('This workspace has no sandboxes.'));
  if (!node) {
    return;
  }
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to see sandbox details.'))) {
    return;
  }
  let detail: { json: unknown };
  try {
    detail = await Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Loading details of sandbox '{0}'…", label(node.sandbox)) },
      () => sandboxesClient(env.account).getSandboxDetailJson(node.workspaceId, node.sandbox.id)));
  } catch (error) {
    const reason = errorReason(error, vscode.l10n);
    env.log.warn(`Couldn't load sandbox details: ${reason}`);
    void env.ui.showErrorMessage(vscode.l10n.t("Couldn't load the details of sandbox '{0}': {1}", label(node.sandbox), reason), {});
    return;
  }
  await env.sandboxDetails.show(node.workspaceId, node.sandbox.id, node.sandbox.name, detail.json);
}

// ---- Destroy ----

/** Destroys the row it was run on, or every selected row, after one modal naming them and their workspace. */
export async function destroySandbox(env: CommandEnv, arg?: unknown, selection?: unknown): Promise<void> {
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to destroy a sandbox.'))) {
    return;
  }
  let nodes = selectedSandboxes(arg, selection);
  if (nodes.length === 0) {
    const picked = await pickSandbox(env, vscode.l10n.t('Destroy Sandbox'), notDestroyed, vscode.l10n.t('This workspace has no sandboxes to destroy.'));
    if (!picked) {
      return;
    }
    nodes = [picked];
  }
  const key = accountKey(env.account.apiUrl, env.account.session);
  const workspaceId = nodes[0].workspaceId;
  const workspace = messageText(labelText(env.sandboxes.workspaceName(workspaceId)));
  const destroy = vscode.l10n.t('Destroy');
  const consequence = vscode.l10n.t('Anything running in it stops and its data is gone. This cannot be undone.');
  const names = nodes.slice(0, 10).map((n) => label(n.sandbox));
  const more = nodes.length > 10 ? [vscode.l10n.t('and {0} more', nodes.length - 10)] : [];
  const confirmed = nodes.length === 1
    ? await env.ui.showWarningMessage(
      vscode.l10n.t("Destroy sandbox '{0}' in workspace '{1}'?", label(nodes[0].sandbox), workspace),
      { modal: true, detail: consequence },
      destroy)
    : await env.ui.showWarningMessage(
      vscode.l10n.t("Destroy {0} sandboxes in workspace '{1}'?", nodes.length, workspace),
      { modal: true, detail: vscode.l10n.t('{0}\n\n{1}', messageText([...names, ...more].join(', '), 4000), consequence) },
      destroy);
  if (confirmed !== destroy) {
    return;
  }
  if (accountKey(env.account.apiUrl, env.account.session) !== key) {
    void env.ui.showInformationMessage(vscode.l10n.t('The Modbox account changed, so nothing was destroyed.'), {});
    return;
  }
  const client = sandboxesClient(env.account);
  const single = nodes.length === 1;
  const result = await runWrite(
    env,
    single
      ? vscode.l10n.t("Destroying sandbox '{0}'…", label(nodes[0].sandbox))
      : vscode.l10n.t('Destroying {0} sandboxes…', nodes.length),
    (reason) => vscode.l10n.t("Couldn't destroy sandbox '{0}': {1}", label(nodes[0].sandbox), reason),
    async () => {
      const done: string[] = [];
      const failed: Array<{ node: SandboxNode; error: unknown }> = [];
      for (const node of nodes) {
        try {
          await client.destroySandbox(workspaceId, node.sandbox.name);
          done.push(node.sandbox.id);
        } catch (error) {
          if (single) {
            throw error;
          }
          failed.push({ node, error });
        }
      }
      return { done, failed };
    },
  );
  if (!result.ok) {
    void env.sandboxes.refresh();
    return;
  }
  const { done, failed } = result.value;
  env.log.info(`Destroyed ${done.length} sandbox(es).`);
  env.sandboxes.removeLocally(done);
  await env.sandboxes.ttls.forget(done);
  if (failed.length) {
    void env.ui.showErrorMessage(vscode.l10n.t("Couldn't destroy {0} of {1} sandboxes. '{2}': {3}",
      failed.length, nodes.length, label(failed[0].node.sandbox), errorReason(failed[0].error, vscode.l10n)), {});
  }
  void env.sandboxes.refresh();
}

// ---- Filter ----

interface FilterPick extends vscode.QuickPickItem {
  filter: SandboxFilter;
}

/** Sets the view's filter for the active workspace; from the palette without an argument, asks which. */
export async function filterSandboxes(env: CommandEnv, arg?: unknown): Promise<void> {
  let filter: SandboxFilter | undefined = arg === 'running' || arg === 'all' ? arg : undefined;
  if (!filter) {
    const current = env.sandboxes.filter;
    const items: FilterPick[] = [
      { label: vscode.l10n.t('Running'), description: vscode.l10n.t('hide destroyed sandboxes'), filter: 'running', picked: current === 'running' },
      { label: vscode.l10n.t('All'), description: vscode.l10n.t('show destroyed sandboxes too'), filter: 'all', picked: current === 'all' },
    ];
    filter = (await env.ui.showQuickPick(items, { title: vscode.l10n.t('Filter Sandboxes'), placeHolder: vscode.l10n.t('Which sandboxes should the view list?') }))?.filter;
  }
  if (!filter) {
    return;
  }
  if (!env.activeWorkspace.id()) {
    void env.ui.showInformationMessage(vscode.l10n.t('Sandboxes belong to a workspace. Choose a Modbox workspace first.'), {});
    return;
  }
  await env.sandboxes.setFilter(filter);
}
