import type { Account } from '../auth/account';
import type { TokenFields } from './tokenText';
import type { MemberFields, WorkspaceFields } from './workspaceText';

/** The calls the views and their commands make: a structural slice of `ModboxClient`. */
export interface ViewsClient {
  listWorkspaces(): Promise<readonly WorkspaceFields[]>;
  getWorkspace(id: string): Promise<WorkspaceFields & { readonly members?: readonly MemberFields[] }>;
  listApiTokens(): Promise<readonly TokenFields[]>;
  createApiToken(description: string): Promise<{ readonly id: string; readonly description: string; readonly token: string }>;
  revokeApiToken(idOrValue: string): Promise<{ readonly alreadyGone?: boolean } | void>;
}

export function viewsClient(account: Account): ViewsClient {
  return account.client();
}
