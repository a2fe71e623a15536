// The emulator's control API (/__emulator/...), with Node's fetch so that
// bench, integration and e2e code never loads the extension's own transport.
// One client for every suite: the emulator's URL comes from the runner.

export function emulatorUrl(): string {
  const url = process.env.MODBOX_EMULATOR_URL;
  if (!url) {
    throw new Error('MODBOX_EMULATOR_URL is not set');
  }
  return url;
}

export async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulatorUrl()}/__emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) {
    throw new Error(`emulator ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  }
  return res.status === 204 ? undefined : res.json();
}

/** Tokens the emulator mints for a signed-in user, as its token endpoint returns them. */
export interface Minted {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

/** A fresh session for `email` (the seeded user when omitted). */
export async function mint(email?: string): Promise<Minted> {
  return (await control('POST', '/session', email === undefined ? {} : { email })) as Minted;
}

export async function resetEmulator(): Promise<void> {
  await control('POST', '/reset', { seed: 'default' });
}

export async function setFault(route: string, fault: Record<string, unknown>): Promise<void> {
  await control('POST', '/faults', { route, fault });
}

/** Changes emulator config keys (e.g. `{sandboxProvisionMs: 30_000}`); reset restores them. */
export async function setEmulatorConfig(config: Record<string, unknown>): Promise<void> {
  await control('POST', '/config', config);
}

/** Adds `count` sandboxes (`bench-00001`...) in one state to a workspace; returns how many. */
export async function seedSandboxes(workspaceId: string, count: number, status = 'running'): Promise<number> {
  const res = (await control('POST', '/seed-sandboxes', { workspace_id: workspaceId, count, status })) as { created: number };
  return res.created;
}

/** Forces a sandbox into a state ('failed', 'running', 'provisioning', 'destroyed'). */
export async function setSandboxStatus(sandboxId: string, status: string): Promise<void> {
  await control('POST', '/sandbox-status', { sandbox_id: sandboxId, status });
}
