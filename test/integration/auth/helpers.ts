// Shared by the sign-in integration tests: the real extension's test hooks,
// a scripted Ui, and small waits on real events (never fixed sleeps for
// positive outcomes).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { StoredSession } from '../../../src/auth/session/session';
import type { CallbackOutcome } from '../../../src/auth/signIn/signIn';
import type { MethodItem } from '../../../src/auth/signIn/signInUi';
import type { TestHooks } from '../../../src/extension';
import { vscodeUi, type Ui } from '../../../src/ui/ui';
import { control } from '../views/helpers';

export { control, emulatorUrl, requests, resetEmulator } from '../views/helpers';

export async function hooks(): Promise<TestHooks> {
  const ext = vscode.extensions.getExtension<TestHooks | undefined>('modbox.vscode-modbox');
  assert.ok(ext, 'extension not found');
  const api = await ext.activate();
  assert.ok(api, 'test hooks missing: the runner must set MODBOX_TEST_HOOKS=1');
  return api;
}

export interface Stats {
  refreshCalls: number;
  refreshReuse: number;
  refreshSuccess: number;
  logoutCalls: number;
  requests: { method: string; path: string; status: number }[];
}

export async function stats(): Promise<Stats> {
  return (await control('GET', '/stats')) as Stats;
}

export async function configure(config: Record<string, unknown>): Promise<void> {
  await control('POST', '/config', config);
}

/**
 * The extension's Ui answered from a script, in sign-in's terms: the method to
 * pick, the secrets to type, the buttons to press on offers (messages with
 * buttons). Any prompt nobody scripted is refused (resolves undefined); the
 * clipboard and the browser are the real ones.
 */
export class ScriptedSignInUi implements Ui {
  /** 'pickMethod', 'askSecret' and 'offer', in the order they were asked. */
  readonly calls: string[] = [];
  secrets: (string | undefined | (() => Promise<string | undefined>))[] = [];
  offers: (string | undefined | (() => Promise<string | undefined>))[] = [];
  method: MethodItem['method'] | undefined;
  errors: string[] = [];
  warnings: string[] = [];
  /** Information messages without buttons. */
  infos: string[] = [];

  async showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[]): Promise<T | undefined> {
    this.calls.push('pickMethod');
    return items.find((i) => (i as Partial<MethodItem>).method === this.method);
  }

  async showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    this.calls.push('askSecret');
    const next = this.secrets.shift();
    const value = typeof next === 'function' ? await next() : next;
    if (value !== undefined) {
      const problem = await options.validateInput?.(value);
      assert.ok(!problem, `the input box would refuse this value: ${JSON.stringify(problem)}`);
    }
    return value;
  }

  async showInformationMessage(message: string, _options: vscode.MessageOptions, ...buttons: string[]): Promise<string | undefined> {
    if (buttons.length === 0) {
      this.infos.push(message);
      return undefined;
    }
    this.calls.push('offer');
    const next = this.offers.shift();
    return typeof next === 'function' ? next() : next;
  }

  async showErrorMessage(message: string): Promise<string | undefined> {
    this.errors.push(message);
    return undefined;
  }

  async showWarningMessage(message: string): Promise<string | undefined> {
    this.warnings.push(message);
    return undefined;
  }

  writeClipboard(text: string): Thenable<void> {
    return vscodeUi.writeClipboard(text);
  }

  openExternal(uri: vscode.Uri): Thenable<boolean> {
    return vscodeUi.openExternal(uri);
  }
}

export async function withTimeout<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(promise),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The next callback the extension handles, however it arrived. */
export function nextCallback(h: TestHooks, ms = 15_000): Promise<CallbackOutcome> {
  return withTimeout(
    new Promise<CallbackOutcome>((resolve) => {
      const sub = h.signIn.onDidHandleCallback((outcome) => {
        sub.dispose();
        resolve(outcome);
      });
    }),
    ms,
    'a sign-in callback',
  );
}

/** Resolves when the account's session satisfies predicate. */
export function sessionWhere(
  h: TestHooks,
  predicate: (s: StoredSession | undefined) => boolean,
  ms = 15_000,
): Promise<StoredSession | undefined> {
  if (predicate(h.account.session)) {
    return Promise.resolve(h.account.session);
  }
  return withTimeout(
    new Promise<StoredSession | undefined>((resolve) => {
      const sub = h.account.onDidChangeSession((s) => {
        if (predicate(s)) {
          sub.dispose();
          resolve(s);
        }
      });
    }),
    ms,
    'the session to change',
  );
}

/** Sends an editor link to the extension the way a browser would: through the host's own callback page. */
export async function openEditorLink(query: string): Promise<void> {
  const uri = vscode.Uri.parse(`${vscode.env.uriScheme}://modbox.vscode-modbox/auth-callback`).with({ query });
  const external = await vscode.env.asExternalUri(uri);
  const opened = await vscode.env.openExternal(external);
  assert.ok(opened, 'the host did not open the callback link');
}

export async function signOutQuietly(h: TestHooks): Promise<void> {
  // Every account, including one whose session was lost: each test starts from none.
  for (const account of h.account.accounts) {
    await h.account.signOut(account.id);
  }
  await sessionWhere(h, (s) => s === undefined);
}

export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A real mbx_ API token for the seeded user, created over HTTP. */
export async function createRealApiToken(description: string): Promise<string> {
  const minted = (await control('POST', '/session', {})) as { access_token: string };
  const res = await fetch(`${process.env.MODBOX_EMULATOR_URL}/api-tokens/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${minted.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ description }),
    signal: AbortSignal.timeout(10_000),
  });
  assert.strictEqual(res.status, 201);
  return ((await res.json()) as { token: string }).token;
}
