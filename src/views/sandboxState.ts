import type { StateStore } from '../workspace/activeWorkspace';
import type { KnownTtl, SandboxFields } from './sandboxesText';
import { statusClass } from './sandboxesText';

/** Which sandboxes the view lists: `running` hides destroyed ones (the default), `all` shows them too. */
export type SandboxFilter = 'running' | 'all';

export const SANDBOX_FILTER_KEY = 'modbox.sandboxFilter';
export const SANDBOX_TTLS_KEY = 'modbox.sandboxTtls';

/** Workspaces whose filter is remembered; the oldest choices are dropped beyond this. */
const MAX_FILTERS = 200;
/** TTLs remembered at once; the oldest are dropped beyond this. */
const MAX_TTLS = 500;
/** A TTL entry is forgotten this long after it ran out (the reaper is late by up to a minute; lists can lag). */
const TTL_GRACE_MS = 24 * 60 * 60 * 1000;

function record(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw as Record<string, unknown> : {};
}

/** The rows a filter shows, in the given order. */
export function filterSandboxes<T extends SandboxFields>(sandboxes: readonly T[], filter: SandboxFilter): T[] {
  return filter === 'all' ? [...sandboxes] : sandboxes.filter((s) => statusClass(s.status) !== 'destroyed');
}

/** The view's filter, remembered per workspace id in global state (ids only, nothing secret). */
export class SandboxFilterState {
  constructor(private readonly state: StateStore) {}

  get(workspaceId: string | undefined): SandboxFilter {
    if (!workspaceId) {
      return 'running';
    }
    return record(this.state.get<unknown>(SANDBOX_FILTER_KEY))[workspaceId] === 'all' ? 'all' : 'running';
  }

  async set(workspaceId: string, filter: SandboxFilter): Promise<void> {
    const next = { ...record(this.state.get<unknown>(SANDBOX_FILTER_KEY)) };
    // Re-inserted last, so the oldest choices are the ones dropped.
    delete next[workspaceId];
    if (filter === 'all') {
      next[workspaceId] = 'all';
    }
    const keys = Object.keys(next);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_FILTERS))) {
      delete next[old];
    }
    await this.state.update(SANDBOX_FILTER_KEY, next);
  }
}

function isTtl(value: unknown): value is KnownTtl {
  const v = value as Partial<KnownTtl> | undefined;
  return typeof v === 'object' && v !== null
    && typeof v.ttlSeconds === 'number' && Number.isFinite(v.ttlSeconds) && v.ttlSeconds > 0
    && typeof v.requestedAt === 'number' && Number.isFinite(v.requestedAt);
}

/**
 * The TTLs this editor asked for, by sandbox id: the API reports no expiry,
 * so "time left" is shown only for these. Old entries are pruned on write.
 */
export class SandboxTtls {
  constructor(private readonly state: StateStore, private readonly now: () => number) {}

  get(sandboxId: string): KnownTtl | undefined {
    const value = record(this.state.get<unknown>(SANDBOX_TTLS_KEY))[sandboxId];
    return isTtl(value) ? value : undefined;
  }

  async remember(sandboxId: string, ttlSeconds: number): Promise<void> {
    const now = this.now();
    const kept = Object.entries(record(this.state.get<unknown>(SANDBOX_TTLS_KEY)))
      .filter((e): e is [string, KnownTtl] => isTtl(e[1]) && e[1].requestedAt + e[1].ttlSeconds * 1000 + TTL_GRACE_MS > now && e[0] !== sandboxId)
      .sort((a, b) => a[1].requestedAt - b[1].requestedAt);
    kept.push([sandboxId, { ttlSeconds, requestedAt: now }]);
    await this.state.update(SANDBOX_TTLS_KEY, Object.fromEntries(kept.slice(-MAX_TTLS)));
  }

  async forget(sandboxIds: readonly string[]): Promise<void> {
    const current = record(this.state.get<unknown>(SANDBOX_TTLS_KEY));
    if (!sandboxIds.some((id) => id in current)) {
      return;
    }
    const next = { ...current };
    sandboxIds.forEach((id) => delete next[id]);
    await this.state.update(SANDBOX_TTLS_KEY, next);
  }
}
