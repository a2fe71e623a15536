import * as vscode from 'vscode';
import { parseApiUrl, unusableApiUrlError } from '../../api/apiUrl';
import type { Logger } from '../../log/logger';
import type { Clock } from '../../util/clock';
import { isApiToken } from '../../util/secretShapes';
import type { Backend } from '../backend';
import type { SignInMethod, SignInOptions } from './options';
import { parseCallback } from './callback';
import { Emitter } from '../emitter';
import { chooseFlows, FLOWS, FlowUnavailable, hostKind, runFlows, type FlowEnv, type FlowKind } from './flows';
import { startRelay, type Relay } from './loopbackRelay';
import { DEFAULT_SIGN_IN_TIMEOUT_MS, type CompleteOutcome, type PendingAttempt, type PendingSignIns, type TokenSetResult } from './pendingSignIn';
import { sessionFromApiToken, sessionFromTokens, type SsoProvider, type StoredSession } from '../session/session';
import type { Ui } from '../../ui/ui';
import { signInPrompts, type MethodItem, type SignInPrompts } from './signInUi';

export const CALLBACK_PATH = '/auth-callback';
const EXTENSION_AUTHORITY = 'modbox.vscode-modbox';
const LAST_METHOD_KEY = 'modbox.lastSignInMethod';

export interface SignInHost {
  uiKind: 'desktop' | 'web';
  remoteName?: string;
  uriScheme: string;
  platform: NodeJS.Platform;
  asExternalUri(uri: vscode.Uri): Thenable<vscode.Uri>;
  openExternal(url: string): Thenable<boolean>;
}

export interface SignInDeps {
  log: Logger;
  clock: Clock;
  /** The extension's one Ui; sign-in's prompts are built on it. */
  ui: Ui;
  pending: PendingSignIns;
  memento: vscode.Memento;
  host: SignInHost;
}

export type CallbackOutcome = CompleteOutcome | 'invalid';

const PROVIDER_NAMES: Record<SsoProvider, string> = { github: 'GitHub', google: 'Google', microsoft: 'Microsoft' };

/** Runs one interactive sign-in at a time and receives the browser's answer, however it comes back. */
export class SignIn {
  private readonly callbackEmitter = new Emitter<CallbackOutcome>();
  /** What became of each callback that reached us; for the log and for tests. */
  readonly onDidHandleCallback = this.callbackEmitter.event;

  /** The relay of the sign-in in progress, closed on dispose. */
  private relay: Relay | undefined;

  private readonly prompts: SignInPrompts;

  constructor(private readonly deps: SignInDeps) {
    this.prompts = signInPrompts(deps.ui);
  }

  /** On deactivate: no relay outlives the extension, and no listener is kept. */
  dispose(): void {
    void this.relay?.close();
    this.callbackEmitter.dispose();
  }

  /** Resolves undefined when the user cancels; throws with a message fit for the user otherwise. */
  async run(backend: Backend, options: SignInOptions = {}): Promise<StoredSession | undefined> {
    const api = parseApiUrl(backend.apiUrl);
    if (!api.ok) {
      // Never send a browser, or a token, to a server we would not call ourselves.
      throw unusableApiUrlError(api.message);
    }
    const method = options.method ?? (await this.pickMethod());
    if (!method) {
      return undefined;
    }
    if (method === 'apiToken') {
      return this.withApiToken(backend);
    }
    await this.deps.memento.update(LAST_METHOD_KEY, method);
    return this.withSso(backend, method, options.flow);
  }

  /** Entry point of the URI handler. A callback nobody asked for is logged and ignored. */
  handleUri(uri: vscode.Uri): void {
    if (uri.path !== CALLBACK_PATH) {
      this.deps.log.warn(`Ignored a link to an unknown path: ${uri.path}`);
      return;
    }
    this.accept(uri.toString(true), 'link');
  }

  private accept(raw: string, via: string): CallbackOutcome {
    const outcome = this.judge(raw, via);
    this.callbackEmitter.fire(outcome);
    return outcome;
  }

  private judge(raw: string, via: string): CallbackOutcome {
    const callback = parseCallback(raw);
    if (callback.kind === 'invalid') {
      this.deps.log.warn(`Ignored a sign-in callback (${via}): ${callback.reason}`);
      return 'invalid';
    }
    const outcome = this.deps.pending.complete(callback);
    if (outcome !== 'accepted') {
      this.deps.log.warn(`Ignored a sign-in callback (${via}): ${outcome}`);
      return outcome;
    }
    this.deps.log.info(`Received the sign-in callback (${via}).`);
    return 'accepted';
  }

  private async pickMethod(): Promise<SignInMethod | undefined> {
    const last = this.deps.memento.get<SignInMethod>(LAST_METHOD_KEY);
    const items: MethodItem[] = (['github', 'google', 'microsoft'] as const).map((p) => ({
      method: p,
      label: `$(${p === 'github' ? 'github' : p === 'microsoft' ? 'azure' : 'globe'}) ${vscode.l10n.t('Continue with {0}', PROVIDER_NAMES[p])}`,
      description: p === last ? vscode.l10n.t('last used') : undefined,
    }));
    items.sort((a, b) => Number(b.method === last) - Number(a.method === last));
    items.push({
      method: 'apiToken',
      label: `$(key) ${vscode.l10n.t('Use an API token')}`,
      detail: vscode.l10n.t('Paste an mbx_ token from the dashboard; useful where a browser sign-in cannot come back.'),
    });
    return (await this.prompts.pickMethod(items))?.method;
  }

  private async withApiToken(backend: Backend): Promise<StoredSession | undefined> {
    const token = await this.prompts.askSecret({
      title: vscode.l10n.t('Sign in to Modbox with an API token'),
      prompt: vscode.l10n.t('Paste an API token (it starts with mbx_). It is checked with Modbox, then kept in the system keychain.'),
      placeHolder: 'mbx_…',
      validate: (value) =>
        isApiToken(value.trim()) ? undefined : vscode.l10n.t('An API token starts with mbx_ followed by at least 8 letters, digits or the characters - _ . ~ + / =.'),
    });
    if (!token) {
      return undefined;
    }
    const value = token.trim();
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the API token with Modbox…') },
      () => backend.client.validateApiToken(value),
    );
    return sessionFromApiToken(value);
  }

  private async withSso(backend: Backend, provider: SsoProvider, preferred?: FlowKind): Promise<StoredSession | undefined> {
    const { host, log } = this.deps;
    const env: FlowEnv = { uiKind: host.uiKind, remoteName: host.remoteName, uriScheme: host.uriScheme, platform: host.platform, preferred };
    const flows = chooseFlows(env);
    log.info(`Sign-in on a ${hostKind(env)} host will try: ${flows.join(', ')}.`);
    const attempt = this.deps.pending.begin(provider, DEFAULT_SIGN_IN_TIMEOUT_MS);
    try {
      const tokens = await runFlows(
        flows,
        (flow) => this.runFlow(flow, backend, provider, attempt),
        (flow, reason) => log.warn(`Sign-in cannot use ${flow} here (${reason}); trying the next way.`),
      );
      return sessionFromTokens(tokens, provider, this.deps.clock.now());
    } catch (err) {
      // Nothing will answer this attempt any more.
      attempt.cancel();
      if (isCancellation(err)) {
        log.info('Sign-in cancelled.');
        return undefined;
      }
      throw err;
    }
  }

  /** One flow, as FLOWS declares it; throws FlowUnavailable when it cannot work here. */
  private async runFlow(flow: FlowKind, backend: Backend, provider: SsoProvider, attempt: PendingAttempt): Promise<TokenSetResult> {
    const { host, log } = this.deps;
    const spec = FLOWS[flow];
    let relay: Relay | undefined;
    try {
      let target: vscode.Uri;
      if (spec.returnsVia === 'relay') {
        relay = await startRelay({
          host: '127.0.0.1',
          log,
          timeoutMs: DEFAULT_SIGN_IN_TIMEOUT_MS,
          // A stray or stale post is refused and the relay keeps waiting for the real one.
          onParams: (raw) => this.accept(raw, 'relay') === 'accepted',
        }).catch((err: unknown) => {
          throw new FlowUnavailable(`the relay could not listen: ${reasonOf(err)}`);
        });
        this.relay = relay;
        target = vscode.Uri.parse(relay.url);
      } else {
        target = vscode.Uri.parse(`${host.uriScheme}://${EXTENSION_AUTHORITY}${CALLBACK_PATH}`);
      }
      const external = await Promise.resolve(host.asExternalUri(target)).catch((err: unknown) => {
        throw new FlowUnavailable(`the host could not expose the callback: ${reasonOf(err)}`);
      });
      const redirectUri = external.toString(true);
      relay?.allowExternalUrl(redirectUri);
      const signInUrl = ssoUrl(backend.apiUrl, provider, redirectUri, attempt.state);
      log.info(`Starting ${PROVIDER_NAMES[provider]} sign-in (${flow}).`);

      return await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Signing in to Modbox with {0}', PROVIDER_NAMES[provider]),
          cancellable: true,
        },
        async (progress, cancellation) => {
          cancellation.onCancellationRequested(() => attempt.cancel());
          progress.report({ message: vscode.l10n.t('opening the browser…') });
          const opened = await Promise.resolve(host.openExternal(signInUrl)).catch(() => false);
          if (!opened && !spec.worksOn.includes('noBrowser')) {
            throw new FlowUnavailable('the browser did not open', true);
          }
          progress.report({ message: vscode.l10n.t('waiting for you to finish in the browser…') });
          // Without a browser the user needs the link first, so the paste box is offered, not opened.
          this.offerFallbacks(attempt, signInUrl, spec.pasteAtOnce && opened);
          return attempt.result;
        },
      );
    } finally {
      if (relay) {
        void relay.close();
        if (this.relay === relay) {
          this.relay = undefined;
        }
      }
    }
  }

  /** For when the browser cannot hand control back: paste its address, or use another browser. */
  private offerFallbacks(attempt: { result: Promise<unknown> }, signInUrl: string, pasteNow: boolean): void {
    let settled = false;
    attempt.result.then(
      () => (settled = true),
      () => (settled = true),
    );
    const paste = vscode.l10n.t('Paste Address…');
    const copy = vscode.l10n.t('Copy Sign-in Link');
    const ask = async (): Promise<void> => {
      const choice = pasteNow
        ? paste
        : await this.prompts.offer(vscode.l10n.t("Didn't get back to VS Code after signing in?"), paste, copy);
      if (settled || !choice) {
        return;
      }
      if (choice === copy) {
        await this.prompts.copy(signInUrl);
        return ask();
      }
      const text = await this.prompts.askSecret({
        title: vscode.l10n.t('Finish signing in to Modbox'),
        prompt: vscode.l10n.t("Copy the whole address from the browser's address bar after signing in, and paste it here."),
        validate: (value) =>
          parseCallback(value).kind === 'invalid' ? vscode.l10n.t("That isn't the address of a Modbox sign-in.") : undefined,
      });
      if (!text || settled) {
        return;
      }
      if (this.accept(text, 'pasted address') !== 'accepted') {
        this.prompts.error(vscode.l10n.t('That address belongs to another sign-in attempt. Sign in again and paste the newest address.'));
      }
    };
    ask().catch((err: unknown) => this.deps.log.warn(`Sign-in fallback failed: ${String(err)}`));
  }
}

function ssoUrl(apiUrl: string, provider: SsoProvider, redirectUri: string, state: string): string {
  const query = new URLSearchParams({ redirect_uri: redirectUri, state });
  return `${apiUrl}/auth/sso/${provider}?${query.toString()}`;
}

/** An error's code or kind, never its message (which may carry an address). */
function reasonOf(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'unknown error';
}

function isCancellation(err: unknown): boolean {
  return (
    err instanceof vscode.CancellationError ||
    (typeof err === 'object' && err !== null && (err as { kind?: unknown }).kind === 'cancelled')
  );
}
