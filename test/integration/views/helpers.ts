// Shared by the view integration tests: a scripted Ui (answers given through
// hooks.setUi), the rows a tree shows, and emulator controls.
import * as vscode from 'vscode';
import type { ProgressTask, Ui } from '../../../src/ui/ui';
import { control } from '../../support/emulatorControl';

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

  /** Progress notifications shown through the Ui: the title, every message reported, and the Cancel button. */
  readonly progress: Array<{ title: string; messages: string[]; cancel(): void; done: boolean }> = [];

  async withProgress<R>(options: vscode.ProgressOptions, task: ProgressTask<R>): Promise<R> {
    const source = new vscode.CancellationTokenSource();
    const entry = { title: options.title ?? '', messages: [] as string[], cancel: () => source.cancel(), done: false };
    this.progress.push(entry);
    try {
      return await task({ report: (value) => void (value.message !== undefined && entry.messages.push(value.message)) }, source.token);
    } finally {
      entry.done = true;
      source.dispose();
    }
  }
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
