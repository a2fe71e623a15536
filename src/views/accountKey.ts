/** The parts of a stored session that identify whose data a view shows. */
export interface SessionIdentity {
  readonly id: string;
  readonly account: { readonly id: string };
}

/**
 * Identifies "this account on this server". A token refresh keeps the key, so
 * views do not refetch; sign-in, sign-out, another account or another API URL
 * change it, so views clear and reload.
 */
export function accountKey(apiUrl: string, session: SessionIdentity | undefined): string | undefined {
  return session ? JSON.stringify([apiUrl, session.id, session.account.id]) : undefined;
}
