import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const commands = [
    'modbox.signIn', 'modbox.signOut', 'modbox.refresh', 'modbox.createApiToken', 'modbox.revokeApiToken',
    'modbox.copyWorkspaceId', 'modbox.selectWorkspace', 'modbox.openDashboard', 'modbox.showLog',
  ];
  for (const id of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(id, () => undefined));
  }
  context.subscriptions.push(
    vscode.authentication.registerAuthenticationProvider('modbox', 'Modbox', {
      onDidChangeSessions: new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>().event,
      getSessions: async () => [],
      createSession: async () => { throw new Error('not yet'); },
      removeSession: async () => undefined,
    }),
  );
}

export function deactivate(): void {}
