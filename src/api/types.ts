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

/** A sandbox's state; values beyond the documented ones are kept as-is for display. */
export type SandboxStatus = 'provisioning' | 'running' | 'destroyed' | 'failed' | (string & {});

/** An item of `GET /sandboxes`, or `GET /sandboxes/detail/{id}`. */
export interface Sandbox {
  /** The server's sandbox_id (a UUID). */
  id: string;
  /** The caller's task id (the API's `name`, or `task_id` when present). */
  name: string;
  status: SandboxStatus;
  sandboxUrl?: string;
  image?: string;
  createdAt?: string;
  createdBy?: string;
  updatedAt?: string;
  destroyedAt?: string | null;
}

export interface SandboxImage {
  id: string;
  name: string;
  image?: string;
  tag?: string;
  description?: string;
  enabled: boolean;
  isDefault: boolean;
  /** One of the global defaults every workspace has (modbox/code-exec, ...). */
  global?: boolean;
  ttlSeconds?: number;
  memoryMb?: number;
  createdAt?: string;
}

export interface ProvisionSandboxRequest {
  taskId: string;
  imageId?: string;
  /** A free-form image reference, when no image id is given. */
  image?: string;
  ttlSeconds?: number;
  envVars?: Record<string, string>;
}

export interface ProvisionedSandbox {
  sandboxId: string;
  sandboxUrl?: string;
  status: SandboxStatus;
}

export interface SandboxWait {
  ready: boolean;
  elapsedSeconds?: number;
}

/** The API's limits on what a provision may ask for, checked before asking it. */
export const SANDBOX_TASK_ID_MAX = 255;
export const SANDBOX_TTL_MIN = 60;
export const SANDBOX_TTL_MAX = 86400;
export const SANDBOX_IMAGE_ID_MAX = 255;
export const SANDBOX_IMAGE_MAX = 512;
/** `POST /sandboxes/wait` ranges (seconds). */
export const SANDBOX_WAIT_TIMEOUT_MIN = 1;
export const SANDBOX_WAIT_TIMEOUT_MAX = 600;
export const SANDBOX_POLL_MIN = 1;
export const SANDBOX_POLL_MAX = 60;
