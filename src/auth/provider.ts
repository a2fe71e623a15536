import * as vscode from 'vscode';
import { type AccountService, toAuthenticationSession } from './accountService';

export const PROVIDER_ID = 'modbox';
export const PROVIDER_LABEL = 'Modbox';

/** `getSessions`/`createSession` options; the `account` member is missing from older typings. */
type SessionRequest = { account?: { id: string } } | undefined;

/**
 * The `modbox` authentication provider other extensions (and the Accounts
 * menu) talk to. Modbox has no scopes: each account has one session, and a
 * request names the account or gets them all (VS Code then asks the user).
 */
export class ModboxAuthenticationProvider implements vscode.AuthenticationProvider {
  readonly onDidChangeSessions: vscode.Event<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>;

  constructor(private readonly account: AccountService) {
    this.onDidChangeSessions = account.onDidChangeSessions;
  }

  async getSessions(_scopes?: readonly string[], options?: SessionRequest): Promise<vscode.AuthenticationSession[]> {
    const wanted = options?.account?.id;
    const ids = this.account.sessions(wanted).map((s) => s.account.id);
    const sessions = await Promise.all(ids.map((id) => this.account.freshSession(id)));
    return sessions.flatMap((s) => (s ? [toAuthenticationSession(s)] : []));
  }

  async createSession(_scopes: readonly string[], options?: SessionRequest): Promise<vscode.AuthenticationSession> {
    // The browser decides which identity signs in; asking for a known account
    // that still has a session just returns it.
    const wanted = options?.account?.id;
    const existing = wanted === undefined ? undefined : await this.account.freshSession(wanted);
    if (existing) {
      return toAuthenticationSession(existing);
    }
    const session = await this.account.signIn();
    if (!session) {
      throw new vscode.CancellationError();
    }
    return toAuthenticationSession(session);
  }

  async removeSession(sessionId: string): Promise<void> {
    const session = this.account.sessions().find((s) => s.id === sessionId);
    if (session) {
      await this.account.signOut(session.account.id);
    }
  }
}
