/** Clean, validated shapes of what the Modbox API returns (camelCase, unknown fields dropped). */

export type WorkspaceRole = 'owner' | 'admin' | 'member' | 'viewer';

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Seconds. */
  expiresIn?: number;
  /** Seconds. */
  refreshExpiresIn?: number;
}

export interface Workspace {
  id: string;
  name: string;
  description?: string;
  realm?: string;
  createdAt?: string;
  createdBy?: string;
  /** The caller's role; a string outside WorkspaceRole is kept as-is for display. */
  role?: string;
  memberCount?: number;
}

export interface Member {
  id: string;
  userId: string;
  email?: string;
  role: string;
  createdAt?: string;
}

export interface WorkspaceDetail extends Workspace {
  members: Member[];
}

export interface ApiToken {
  id: string;
  description: string;
  /** The first characters of the token (e.g. "mbx_ab12"), safe to show. */
  tokenPrefix?: string;
  createdAt?: string;
  lastUsedAt: string | null;
}

/** The response to creating a token: the only time the full value is ever seen. */
/** The server's limit on an API token's description, checked before asking it. */
export const MAX_TOKEN_DESCRIPTION_LENGTH = 255;

export interface CreatedApiToken {
  id: string;
  description: string;
  token: string;
  createdAt?: string;
}
