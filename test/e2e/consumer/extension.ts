// "Modbox Consumer": a stand-in for any other extension that wants a Modbox
// session. Packaged and installed by the e2e runner next to Modbox; its
// commands ask VS Code for a session and call the API with it. "Ask Again"
// clears the account remembered for this extension, so VS Code's picker returns.
import * as vscode from 'vscode';

let calls = 0;

async function useSession(options: vscode.AuthenticationGetSessionOptions & { createIfNone: true }): Promise<void> {
  const call = ++calls;
  try {
    const session = await vscode.authentication.getSession('modbox', [], options);
    const apiUrl = vscode.workspace.getConfiguration('modbox').get<string>('apiUrl', '');
    const res = await fetch(`${apiUrl}/workspaces`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    // The call number tells this answer from an earlier one still on screen.
    void vscode.window.showInformationMessage(`Modbox Consumer: ${session.account.label}, GET /workspaces ${res.status} [call ${call}]`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Modbox Consumer failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('modboxConsumer.useSession', () => useSession({ createIfNone: true })),
    vscode.commands.registerCommand('modboxConsumer.useSessionAskAgain', () => useSession({ createIfNone: true, clearSessionPreference: true })),
  );
}

export function deactivate(): void {}
