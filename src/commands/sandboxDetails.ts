import * as vscode from 'vscode';
import { detailsFileName, detailsJson } from './sandboxInput';

export const SANDBOX_DETAILS_SCHEME = 'modbox-sandbox';

/**
 * Read-only documents with a sandbox's detail JSON (`modbox-sandbox:` URIs).
 * The command fetches the JSON first, so a failure is a message rather than
 * an empty editor; the text is dropped when its editor closes.
 */
export class SandboxDetailsDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      this.emitter,
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === SANDBOX_DETAILS_SCHEME) {
          this.texts.delete(doc.uri.toString());
        }
      }),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString())
      ?? `${JSON.stringify({ note: vscode.l10n.t('These details are no longer loaded. Run Modbox: Show Sandbox Details again.') }, null, 2)}\n`;
  }

  /** Opens (or updates) the details editor of one sandbox. */
  async show(workspaceId: string, sandboxId: string, taskId: string, json: unknown): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({
      scheme: SANDBOX_DETAILS_SCHEME,
      path: `/${detailsFileName(taskId)}`,
      query: new URLSearchParams({ workspace: workspaceId, sandbox: sandboxId }).toString(),
    });
    this.texts.set(uri.toString(), detailsJson(json));
    this.emitter.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}
