import type * as vscode from 'vscode';
import type { ModboxClient } from '../api/client';
import type { StoredSession } from './session/session';
import type { SignInOptions } from './signIn/options';

/**
 * What views and commands need to know about the signed-in user. They use
 * this directly rather than `vscode.authentication.getSession`, which would
 * make VS Code ask the user to let Modbox use its own sign-in.
 */
export interface Account {
  /** The current session, or undefined when signed out. */
  readonly session: StoredSession | undefined;
  /** False until the stored session has been read once (drives the `modbox.loaded` context key). */
  readonly loaded: boolean;
  /** Fires on sign-in, sign-out, token refresh and changes made in other windows. */
  readonly onDidChangeSession: vscode.Event<StoredSession | undefined>;
  /** A client bound to the current session (refreshes, retries a 401 once). Throws when signed out. */
  client(): ModboxClient;
  /** Starts the interactive sign-in (no consent dialog). Resolves undefined if the user cancelled. */
  signIn(options?: SignInOptions): Promise<StoredSession | undefined>;
  signOut(): Promise<void>;
  readonly apiUrl: string;
}
