import type * as vscode from 'vscode';
import type { ModboxClient } from '../api/client';
import type { StoredSession } from './session/session';
import type { SignInOptions } from './signIn/options';

/** One Modbox account on the configured server, as the account switcher lists it. */
export interface AccountSummary {
  readonly id: string;
  readonly label: string;
  /** Undefined when its session was lost (refresh refused): "signed out — sign in again". */
  readonly session: StoredSession | undefined;
  readonly selected: boolean;
}

/**
 * What views and commands need to know about the signed-in user. They use
 * this directly rather than `vscode.authentication.getSession`, which would
 * make VS Code ask the user to let Modbox use its own sign-in.
 */
export interface Account {
  /** The selected account's session, or undefined when signed out. */
  readonly session: StoredSession | undefined;
  /** False until the stored session has been read once (drives the `modbox.loaded` context key). */
  readonly loaded: boolean;
  /** Fires on sign-in, sign-out, token refresh and changes made in other windows. */
  readonly onDidChangeSession: vscode.Event<StoredSession | undefined>;
  /** A client bound to the current session (refreshes, retries a 401 once). Throws when signed out. */
  client(accountId?: string): ModboxClient;
  /** Starts the interactive sign-in (no consent dialog). Resolves undefined if the user cancelled. */
  signIn(options?: SignInOptions): Promise<StoredSession | undefined>;
  /** Signs out of the selected account, or of `accountId`: only its tokens and its server session end. */
  signOut(accountId?: string): Promise<void>;
  readonly apiUrl: string;
  /** Every account signed in on this server; the members above act on the selected one. */
  readonly accounts: readonly AccountSummary[];
  /** Fires when an account is added, removed, selected or loses its session. */
  readonly onDidChangeAccounts: vscode.Event<void>;
  /** Makes `accountId` the selected account (remembered). Resolves false when there is no such account. */
  select(accountId: string): Promise<boolean>;
}
