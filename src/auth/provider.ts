import * as vscode from 'vscode';
import { type AccountService, toAuthenticationSession } from './accountService';

export const PROVIDER_ID = 'modbox';
export const PROVIDER_LABEL = 'Modbox';

/**
 * The `modbox` authentication provider other extensions (and the Accounts
 * menu) talk to. Modbox has no scopes, so every request gets the one session.
 */
export class ModboxAuthenticationProvider implements vscode.AuthenticationProvider {
  readonly onDidChangeSessions: vscode.Event<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>;

  constructor(private readonly account: AccountService) {
    this.onDidChangeSessions = account.onDidChangeSessions;
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const session = await this.account.freshSession();
    return session ? [toAuthenticationSession(session)] : [];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const session = await this.account.signIn();
    if (!session) {
      throw new vscode.CancellationError();
    }
    return toAuthenticationSession(session);
  }

  async removeSession(sessionId: string): Promise<void> {
    if (this.account.session?.id === sessionId) {
      await this.account.signOut();
    }
  }
}
