// Network cost of two user-visible moments: opening the sidebar signed in,
// and many callers asking for a session while the token is expired.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { sessionFromTokens, type StoredSession } from '../../src/auth/session/session';
import { storeAccountSession } from '../support/accountStorage';
import type { TestHooks } from '../../src/extension';
import { mint } from '../support/emulatorControl';
import { resetStats, sleep, stats, until } from './emulator';
import { spread, type RefreshResult, type RequestRecord, type SidebarResult } from './results';

const SIDEBAR = 'workbench.view.extension.modbox';
const EXPLORER = 'workbench.view.explorer';
const EXPECTED = ['GET /workspaces', 'GET /api-tokens/'];
/** After both lists answered, how long to keep watching for extra requests. */
const SETTLE_MS = 2500;

export async function hooks(): Promise<TestHooks> {
  const ext = vscode.extensions.getExtension<TestHooks | undefined>('modbox.vscode-modbox');
  const api = await ext?.activate();
  if (!api) {
    throw new Error('test hooks missing: the runner must set MODBOX_TEST_HOOKS=1');
  }
  return api;
}

/** Writes a session where the extension keeps it (as another window would) and waits until the extension holds it. */
export async function useSession(h: TestHooks, session: StoredSession): Promise<void> {
  await storeAccountSession(h.secrets, h.account.apiUrl, session);
  await until(() => h.account.session?.accessToken === session.accessToken, 10_000, 'the extension to pick up the session');
}

export async function mintedSession(expired: boolean): Promise<StoredSession> {
  const m = await mint();
  const now = Date.now();
  const session = sessionFromTokens(
    { accessToken: m.access_token, refreshToken: m.refresh_token, expiresIn: m.expires_in, refreshExpiresIn: m.refresh_expires_in },
    'github',
    now,
  );
  return expired ? { ...session, accessExpiresAt: now - 1_000 } : session;
}

const label = (r: RequestRecord): string => `${r.method} ${r.path}`;
const slim = (r: RequestRecord): RequestRecord => ({ method: r.method, path: r.path, status: r.status });

export async function measureSidebar(h: TestHooks): Promise<SidebarResult> {
  await vscode.commands.executeCommand(EXPLORER);
  await useSession(h, await mintedSession(false));
  await sleep(500);
  await resetStats();

  const t0 = performance.now();
  await vscode.commands.executeCommand(SIDEBAR);
  let answeredAt = NaN;
  await until(async () => {
    const seen = (await stats()).requests.filter((r) => r.status !== 0).map(label);
    if (EXPECTED.every((e) => seen.includes(e))) {
      answeredAt = performance.now();
      return true;
    }
    return false;
  }, 20_000, 'both lists to be requested and answered');
  await sleep(SETTLE_MS);
  const requests = (await stats()).requests.map(slim);

  // Away and back: the lists are loaded, nothing should be asked again.
  await vscode.commands.executeCommand(EXPLORER);
  await sleep(300);
  await resetStats();
  await vscode.commands.executeCommand(SIDEBAR);
  await sleep(SETTLE_MS);
  const reopenRequests = (await stats()).requests.map(slim);
  await vscode.commands.executeCommand(EXPLORER);

  return { requests, expected: EXPECTED, msUntilBothAnswered: Math.round(answeredAt - t0), reopenRequests };
}

export async function measureRefresh(h: TestHooks, callers: number): Promise<RefreshResult> {
  await vscode.commands.executeCommand(EXPLORER);
  const expired = await mintedSession(true);
  await useSession(h, expired);
  await resetStats();
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: callers }, () => h.account.freshSession()));
  const ms = performance.now() - t0;
  const s = await stats();
  const tokens = new Set(results.map((r) => r?.accessToken));
  const refreshRequest = s.requests.find((r) => r.method === 'POST' && r.path === '/auth/refresh');
  const secrets = await secretsRoundTrip(h);
  return {
    callers,
    refreshCalls: s.refreshCalls,
    refreshReuse: s.refreshReuse,
    distinctTokens: tokens.size,
    gotFreshToken: !tokens.has(expired.accessToken) && !tokens.has(undefined),
    ms: Math.round(ms * 100) / 100,
    refreshRequestMs: refreshRequest?.ms,
    secretsGetMs: secrets.get,
    secretsStoreMs: secrets.store,
  };
}

/** Median time of one SecretStorage get and store in this host, on a scratch key. */
async function secretsRoundTrip(h: TestHooks): Promise<{ get: number; store: number }> {
  const key = 'modbox.bench.scratch';
  const gets: number[] = [];
  const stores: number[] = [];
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    await h.secrets.store(key, `value-${i}`);
    stores.push(performance.now() - t);
    t = performance.now();
    await h.secrets.get(key);
    gets.push(performance.now() - t);
  }
  await h.secrets.delete(key);
  return { get: spread(gets).median, store: spread(stores).median };
}
