import type { AccountSummary } from './account';

/**
 * The account to show for a folder bound to `workspaceId` (`modbox.workspace`):
 * the one signed-in account that can see that workspace, or undefined when
 * none or several can (then the user's choice stands). `canSee` asks the
 * server as that account; an account whose check fails counts as not seeing it.
 */
export async function accountForWorkspace(
  accounts: readonly Pick<AccountSummary, 'id' | 'session'>[],
  workspaceId: string,
  canSee: (accountId: string, workspaceId: string) => Promise<boolean>,
): Promise<string | undefined> {
  const signedIn = accounts.filter((a) => a.session !== undefined);
  const seeing = await Promise.all(signedIn.map((a) => canSee(a.id, workspaceId).catch(() => false)));
  const matches = signedIn.filter((_, i) => seeing[i]);
  return matches.length === 1 ? matches[0].id : undefined;
}
