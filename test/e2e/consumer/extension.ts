// "Modbox Consumer": a stand-in for any other extension that wants a Modbox
// session. Packaged and installed by the e2e runner next to Modbox; its one
// command asks VS Code for a session and calls the API with it.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('modboxConsumer.useSession', async () => {
      try {
        const session = await vscode.authentication.getSession('modbox', [], { createIfNone: true });
        const apiUrl = vscode.workspace.getConfiguration('modbox').get<string>('apiUrl', '');
        const res = await fetch(`${apiUrl}/workspaces`, {
          headers: { authorization: `Bearer ${session.accessToken}` },
          signal: AbortSignal.timeout(10_000),
        });
        void vscode.window.showInformationMessage(`Modbox Consumer: ${session.account.label}, GET /workspaces ${res.status}`);
      } catch (err) {
        void vscode.window.showErrorMessage(`Modbox Consumer failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
}

export function deactivate(): void {}
