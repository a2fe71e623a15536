// Shared by the view integration tests: a small Account backed by a real
// ModboxClient talking to the emulator, a scripted Ui, and emulator controls.
import * as vscode from 'vscode';
import { ModboxClient } from '../../../src/api/client';
import { HttpClient } from '../../../src/api/http';
import { createUndiciTransport } from '../../../src/api/transport/undiciTransport';
import type { Account } from '../../../src/auth/account';
import type { StoredSession } from '../../../src/auth/session';
import type { CommandEnv } from '../../../src/commands/env';
import type { Ui } from '../../../src/ui/ui';
import type { Logger } from '../../../src/log/logger';
import { systemClock } from '../../../src/util/clock';
import { ApiTokensTreeProvider } from '../../../src/views/apiTokensTree';
import { WorkspacesTreeProvider } from '../../../src/views/workspacesTree';
import { ActiveWorkspace } from '../../../src/workspace/activeWorkspace';
import { control, emulatorUrl } from '../../support/emulatorControl';

export { control, emulatorUrl, resetEmulator, setFault } from '../../support/emulatorControl';

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  workspaceId: string | null;
}

export async function requests(): Promise<RequestRecord[]> {
  const stats = await control('GET', '/stats') as { requests: RequestRecord[] };
  return stats.requests;
}

let sessionCounter = 0;

/** A signed-in session as the extension stores it, minted by the emulator. */
export async function mintSession(email = 'ada@example.com'): Promise<StoredSession> {
  const tokens = await control('POST', '/session', { email }) as { access_token: string; refresh_token: string };
  const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString('utf8')) as { sub: string };
  return {
    id: `modbox:${claims.sub}`,
    kind: 'sso',
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    account: { id: claims.sub, label: `${email} #${++sessionCounter}` },
    createdAt: Date.now(),
  };
}

/** Everything logged, to check that no secret is ever written. */
export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  private add(level: string, message: unknown, args: unknown[]): void {
    this.lines.push(`${level} ${String(message)} ${args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : JSON.stringify(a))).join(' ')}`);
  }
  trace(m: string, ...a: unknown[]) { this.add('trace', m, a); }
  debug(m: string, ...a: unknown[]) { this.add('debug', m, a); }
  info(m: string, ...a: unknown[]) { this.add('info', m, a); }
  warn(m: string, ...a: unknown[]) { this.add('warn', m, a); }
  error(m: string | Error, ...a: unknown[]) { this.add('error', m, a); }
}

export class TestAccount implements Account {
  session: StoredSession | undefined;
  loaded = true;
  signInCalls = 0;
  /** What the next signIn() signs in as; undefined = the user cancels. */
  nextSignIn: (() => Promise<StoredSession | undefined>) | undefined;
  readonly apiUrl = emulatorUrl();
  private readonly emitter = new vscode.EventEmitter<StoredSession | undefined>();
  readonly onDidChangeSession = this.emitter.event;
  readonly http = new HttpClient({ transport: createUndiciTransport({ env: {} }), baseUrl: emulatorUrl(), version: '0.0.0-test' });
  private readonly modbox: ModboxClient;

  constructor(workspaceId?: () => string | undefined) {
    this.modbox = new ModboxClient(this.http, {
      accessToken: async () => {
        if (!this.session) {
          throw new Error('signed out');
        }
        return this.session.accessToken;
      },
      onUnauthorized: async () => undefined,
    }, { workspaceId });
  }

  setSession(session: StoredSession | undefined): void {
    this.session = session;
    this.emitter.fire(session);
  }

  client(): ModboxClient {
    if (!this.session) {
      throw new Error('Sign in to Modbox first.');
    }
    return this.modbox;
  }

  async signIn(): Promise<StoredSession | undefined> {
    this.signInCalls++;
    const session = await this.nextSignIn?.();
    if (session) {
      this.setSession(session);
    }
    return session;
  }

  async signOut(): Promise<void> {
    this.setSession(undefined);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export class MemoryMemento implements vscode.Memento {
  private readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.data.has(key) ? this.data.get(key) as T : defaultValue;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, value);
  }
}

type Answer = string | undefined | ((items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined);

/**
 * Scripted prompts: each method pops the next queued answer for it (undefined
 * = the user pressed Escape) and records what was asked. A prompt without a
 * queued answer fails the test, so nothing waits on a real dialog.
 */
export class ScriptedUi implements Ui {
  readonly calls: Array<{ method: string; message: string; options?: unknown; items?: unknown[] }> = [];
  readonly clipboard: string[] = [];
  readonly opened: string[] = [];
  private readonly answers = new Map<string, Answer[]>();

  answer(method: 'showInputBox' | 'showQuickPick' | 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage', ...values: Answer[]): this {
    this.answers.set(method, [...(this.answers.get(method) ?? []), ...values]);
    return this;
  }

  called(method: string): Array<{ message: string; options?: unknown; items?: unknown[] }> {
    return this.calls.filter((c) => c.method === method);
  }

  private next(method: string, optional: boolean): Answer {
    const queue = this.answers.get(method);
    if (!queue || queue.length === 0) {
      if (optional) {
        return undefined;
      }
      throw new Error(`unexpected ${method}: no scripted answer`);
    }
    return queue.shift();
  }

  async showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    this.calls.push({ method: 'showInputBox', message: options.prompt ?? '', options });
    const answer = this.next('showInputBox', false);
    return typeof answer === 'string' ? answer : undefined;
  }

  async showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    this.calls.push({ method: 'showQuickPick', message: options.placeHolder ?? '', options, items: [...items] });
    const answer = this.next('showQuickPick', false);
    if (typeof answer === 'function') {
      return answer(items) as T | undefined;
    }
    return items.find((i) => i.label === answer);
  }

  // Non-modal notifications need no answer (the user may ignore them); modal ones must be scripted.
  async showInformationMessage(message: string, options: vscode.MessageOptions, ...items: string[]) {
    this.calls.push({ method: 'showInformationMessage', message, options, items });
    return this.pick(this.next('showInformationMessage', !options.modal), items);
  }

  async showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]) {
    this.calls.push({ method: 'showWarningMessage', message, options, items });
    return this.pick(this.next('showWarningMessage', !options.modal), items);
  }

  async showErrorMessage(message: string, options: vscode.MessageOptions, ...items: string[]) {
    this.calls.push({ method: 'showErrorMessage', message, options, items });
    return this.pick(this.next('showErrorMessage', true), items);
  }

  private pick(answer: Answer, items: string[]): string | undefined {
    if (typeof answer !== 'string') {
      return undefined;
    }
    if (!items.includes(answer)) {
      throw new Error(`scripted answer '${answer}' is not one of ${JSON.stringify(items)}`);
    }
    return answer;
  }

  async writeClipboard(text: string): Promise<void> {
    this.clipboard.push(text);
  }

  async openExternal(uri: vscode.Uri): Promise<boolean> {
    this.opened.push(uri.toString(true));
    return true;
  }
}

export interface Harness {
  account: TestAccount;
  log: CapturingLogger;
  ui: ScriptedUi;
  memento: MemoryMemento;
  active: ActiveWorkspace;
  workspaces: WorkspacesTreeProvider;
  apiTokens: ApiTokensTreeProvider;
  context: Map<string, unknown>;
  env: CommandEnv;
  dispose(): void;
}

/** Providers and commands wired to a TestAccount, the way registerViewCommands wires them to the real one. */
export function makeHarness(): Harness {
  const memento = new MemoryMemento();
  const holder: { active?: ActiveWorkspace } = {};
  const account = new TestAccount(() => holder.active?.id());
  const active = new ActiveWorkspace(memento, () => account.apiUrl, () => account.session?.account.id);
  holder.active = active;
  const log = new CapturingLogger();
  const ui = new ScriptedUi();
  const context = new Map<string, unknown>();
  const treeDeps = { account, log, clock: systemClock, setContext: (k: string, v: unknown) => void context.set(k, v) };
  const workspaces = new WorkspacesTreeProvider({ ...treeDeps, activeWorkspace: active });
  const apiTokens = new ApiTokensTreeProvider(treeDeps);
  const env: CommandEnv = {
    account, log, ui, clock: systemClock, apiTokens, workspaces, activeWorkspace: active,
    machineName: 'test-machine', dashboardUrl: () => 'http://127.0.0.2:1/dash',
  };
  return {
    account, log, ui, memento, active, workspaces, apiTokens, context, env,
    dispose() {
      workspaces.dispose();
      apiTokens.dispose();
      account.dispose();
    },
  };
}

export interface Row {
  label: string;
  description: string;
  contextValue: string | undefined;
  command: string | undefined;
}

/** The rows a tree shows right now, as the user sees them. */
export async function rows<T>(provider: vscode.TreeDataProvider<T>, parent?: T): Promise<Row[]> {
  const children = (await provider.getChildren(parent)) ?? [];
  return Promise.all(children.map(async (child) => {
    const item = await provider.getTreeItem(child);
    return {
      label: typeof item.label === 'string' ? item.label : item.label?.label ?? '',
      description: typeof item.description === 'string' ? item.description : '',
      contextValue: item.contextValue,
      command: item.command?.command,
    };
  }));
}

/** Resolves when `check` passes, polling briefly; fails after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 8000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) {
      return;
    }
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
