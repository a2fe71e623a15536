import type { Account } from '../auth/account';
import type { SandboxFields } from './sandboxesText';

/** The fields of an image the Create Sandbox picker reads (structurally `SandboxImage` from src/api/types). */
export interface SandboxImageFields {
  readonly id: string;
  readonly name: string;
  readonly image?: string;
  readonly tag?: string;
  readonly description?: string;
  readonly enabled: boolean;
  readonly isDefault: boolean;
  readonly global?: boolean;
  readonly ttlSeconds?: number;
}

export interface ProvisionRequest {
  taskId: string;
  imageId?: string;
  ttlSeconds?: number;
  envVars?: Record<string, string>;
}

/**
 * The sandbox calls the Sandboxes view and its commands make: a structural
 * slice of `ModboxClient`. The workspace id is always explicit (sent as
 * X-Workspace-Id), so a request never goes to a workspace chosen meanwhile.
 */
export interface SandboxesClient {
  listSandboxes(workspaceId: string | undefined, opts?: { status?: string; signal?: AbortSignal }): Promise<readonly SandboxFields[]>;
  getSandbox(workspaceId: string | undefined, sandboxId: string, signal?: AbortSignal): Promise<SandboxFields>;
  getSandboxDetailJson(workspaceId: string | undefined, sandboxId: string, signal?: AbortSignal): Promise<{ sandbox: SandboxFields; json: unknown }>;
  listSandboxImages(workspaceId: string | undefined, signal?: AbortSignal): Promise<readonly SandboxImageFields[]>;
  provisionSandbox(workspaceId: string | undefined, req: ProvisionRequest, signal?: AbortSignal):
    Promise<{ readonly sandboxId: string; readonly sandboxUrl?: string; readonly status: string }>;
  waitForSandbox(workspaceId: string | undefined, taskId: string, opts?: { timeoutSeconds?: number; pollIntervalSeconds?: number; signal?: AbortSignal }):
    Promise<{ readonly ready: boolean; readonly elapsedSeconds?: number }>;
  destroySandbox(workspaceId: string | undefined, taskId: string, signal?: AbortSignal): Promise<{ readonly alreadyGone: boolean }>;
}

export function sandboxesClient(account: Account): SandboxesClient {
  return account.client();
}
