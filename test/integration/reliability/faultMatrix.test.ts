// Every fault a network or a server can produce, against every call the
// extension makes, through the real client, refresher, session store,
// AccountService and tree providers (over a transport with a short deadline,
// so a hung server costs seconds). Each cell checks what the user would see and what is left
// stored afterwards; the matrix is printed at the end.
import * as assert from 'assert';
import { isModboxError, type ModboxErrorKind } from '../../../src/api/errors';
import type { Transport } from '../../../src/api/transport';
import { AccountService } from '../../../src/auth/accountService';
import type { Backend } from '../../../src/auth/backend';
import type { StoredSession } from '../../../src/auth/session/session';
import { silentLogger } from '../../../src/log/logger';
import { systemClock } from '../../../src/util/clock';
import { ApiTokensTreeProvider } from '../../../src/views/apiTokensTree';
import { SandboxesTreeProvider } from '../../../src/views/sandboxesTree';
import { SandboxFilterState, SandboxTtls } from '../../../src/views/sandboxState';
import { WorkspacesTreeProvider } from '../../../src/views/workspacesTree';
import { ActiveWorkspace } from '../../../src/workspace/activeWorkspace';
import { indexAccount } from '../../support/accountStorage';
import { MemorySecretStorage } from '../../support/memorySecretStorage';
import { recordFigures } from '../figures';
import { MemoryMemento } from '../../support/memoryMemento';
import { control, emulatorUrl, eventually, resetEmulator, rows, setFault } from '../views/helpers';
import {
  assertCleanMessage, backendOver, describeError, issuedSecrets, mint, toSession, transportWithDeadline,
  watchRejections,
} from './support';

/** Per-attempt deadline for these cells: the emulator answers in milliseconds unless told to hang. */
const DEADLINE_MS = 700;
const REVOKED_ID = '0d000000-0000-4000-8000-000000000002';
/** Ada's Personal workspace and its seeded running sandbox (task id = name). */
const PERSONAL = { id: '0b000000-0000-4000-8000-000000000001', name: 'Personal' };
const SEEDED_SANDBOX = { id: '0e000000-0000-4000-8000-000000000001', task: 'notebook-runner' };
const NEW_TASK = 'fault-matrix-sandbox';

type Expect =
  /** The call fails with one of these kinds; the session stays exactly as it was. */
  | { outcome: 'transient'; kinds: ModboxErrorKind[] }
  /** The call succeeds after one invisible refresh. */
  | { outcome: 'recovered' }
  /** The credentials are really gone: the call fails as unauthorized, the session ends, one expiry. */
  | { outcome: 'authFailure' };

interface Fault {
  name: string;
  /** Sets the fault up for one operation's route. */
  arm(route: string): Promise<void>;
  expect(op: Operation): Expect;
  /** The 401 must come from the server while the client still trusts its token. */
  localTokenFresh?: boolean;
}

interface Operation {
  name: string;
  route: string;
  /** The stored access token looks expired to the client, so the call starts with a refresh. */
  expiredLocally?: boolean;
}

const OPERATIONS: Operation[] = [
  { name: 'list workspaces', route: 'GET /workspaces' },
  { name: 'list tokens', route: 'GET /api-tokens/' },
  { name: 'create token', route: 'POST /api-tokens/' },
  { name: 'revoke token', route: 'DELETE /api-tokens/*' },
  { name: 'refresh', route: 'POST /auth/refresh', expiredLocally: true },
  { name: 'list sandboxes', route: 'GET /sandboxes' },
  { name: 'provision', route: 'POST /sandboxes/provision' },
  { name: 'wait', route: 'POST /sandboxes/wait' },
  { name: 'sandbox detail', route: 'GET /sandboxes/detail/*' },
  { name: 'destroy', route: 'POST /sandboxes/destroy' },
];
/** Shown in the matrix: our sign-in has no exchange call (tokens come in the callback), so no fault can hit one. */
const NOT_APPLICABLE = 'sign-in callback';

const transient = (...kinds: ModboxErrorKind[]) => (): Expect => ({ outcome: 'transient', kinds });
const arm = (fault: Record<string, unknown>) => (route: string) => setFault(route, fault);

const FAULTS: Fault[] = [
  { name: 'timeout (hang)', arm: arm({ kind: 'hang' }), expect: transient('timeout') },
  { name: '500', arm: arm({ kind: 'status', status: 500 }), expect: transient('server') },
  { name: '502', arm: arm({ kind: 'status', status: 502 }), expect: transient('server') },
  { name: '503', arm: arm({ kind: 'status', status: 503, detail: 'maintenance' }), expect: transient('server') },
  // Longer than the client or a view waits by itself, so the user is told.
  { name: '429', arm: arm({ kind: 'rateLimit', retryAfterSeconds: 120 }), expect: transient('rateLimited') },
  { name: 'connection reset', arm: arm({ kind: 'reset' }), expect: transient('offline') },
  { name: 'malformed JSON', arm: arm({ kind: 'malformed' }), expect: transient('badResponse') },
  { name: 'HTML error page', arm: arm({ kind: 'html', status: 502 }), expect: transient('server') },
  {
    name: '401 mid-session',
    // For the refresh column: the server's clock passed the access token's expiry, ours did not.
    arm: async (route) => route === 'POST /auth/refresh'
      ? void (await control('POST', '/clock', { advanceSeconds: 400 }))
      : setFault(route, { kind: 'status', status: 401, times: 1 }),
    expect: () => ({ outcome: 'recovered' }),
    localTokenFresh: true,
  },
  {
    // The laptop slept past the refresh token's lifetime: the API and the refresh both say 401.
    name: 'refresh refused',
    arm: async () => void (await control('POST', '/clock', { advanceSeconds: 4_000 })),
    expect: () => ({ outcome: 'authFailure' }),
  },
];

interface CellResult {
  passed: boolean;
  note: string;
}

async function tokenIds(): Promise<string[]> {
  const { access_token } = await mint();
  const res = await fetch(`${emulatorUrl()}/api-tokens/`, {
    headers: { authorization: `Bearer ${access_token}` },
    signal: AbortSignal.timeout(10_000),
  });
  assert.strictEqual(res.status, 200, 'could not count tokens');
  return ((await res.json()) as { id: string }[]).map((t) => t.id);
}

interface Stats {
  refreshCalls: number;
  refreshReuse: number;
  requests: { method: string; path: string; status: number }[];
}

describe('reliability: fault matrix (every fault x every call)', function () {
  this.timeout(30_000);
  const results = new Map<string, CellResult>();
  let transport: Transport;

  before(() => {
    transport = transportWithDeadline(DEADLINE_MS);
  });

  after(async () => {
    await control('DELETE', '/faults');
    await resetEmulator();
    await transport.close?.();
    const { passed, total } = printMatrix(results);
    const cells = FAULTS.length * OPERATIONS.length;
    recordFigures('faultMatrix', {
      complete: results.size === cells,
      passed: total === cells && passed === total,
      faults: FAULTS.map((f) => f.name),
      operations: OPERATIONS.map((o) => o.name),
      cells,
      cellsRun: results.size,
      cellsPassed: [...results.values()].filter((r) => r.passed).length,
      failedCells: [...results].filter(([, r]) => !r.passed).map(([key]) => key.replace('|', ' x ')),
      notApplicable: `${NOT_APPLICABLE}: the tokens arrive in the callback itself; no exchange call exists to fault`,
    });
  });

  for (const fault of FAULTS) {
    for (const op of OPERATIONS) {
      const key = `${fault.name}|${op.name}`;
      it(`${fault.name} x ${op.name}`, async function () {
        const note: string[] = [];
        results.set(key, { passed: false, note: 'did not finish' });
        await runCell(fault, op, note);
        results.set(key, { passed: true, note: note.join('; ') });
      });
    }
  }

  async function runCell(fault: Fault, op: Operation, note: string[]): Promise<void> {
    await resetEmulator();
    const secrets = new MemorySecretStorage();
    const session = toSession(await mint());
    const backend = backendOver(session.account.id, secrets, transport, silentLogger);
    // The extension's own AccountService mirrors the store; only its backend is this cell's.
    const account = new AccountService(emulatorUrl(), {
      log: silentLogger,
      secrets,
      createBackend: (_url, id) => (id === session.account.id ? backend : backendOver(id, secrets, transport, silentLogger)),
      interactiveSignIn: () => Promise.reject(new Error('no sign-in in the fault matrix')),
      promptSessionExpired: () => undefined,
    });
    await account.load();
    /** Resolves when the account mirrors what is stored now. */
    const mirrored = async (): Promise<void> => {
      const stored = await backend.store.read();
      await eventually(() => account.session?.accessToken === stored?.accessToken && account.session?.id === stored?.id, 5000, 'the account to follow the store');
    };
    const active = new ActiveWorkspace(new MemoryMemento(), () => account.apiUrl, () => account.session?.account.id);
    const tree = op.route === 'GET /sandboxes'
      ? new SandboxesTreeProvider({ account, log: silentLogger, clock: systemClock, setContext: () => undefined, withViewProgress: (_v, t) => t(),
        activeWorkspace: active, filters: new SandboxFilterState(new MemoryMemento()), ttls: new SandboxTtls(new MemoryMemento(), () => Date.now()) })
      : op.route === 'GET /workspaces'
      ? new WorkspacesTreeProvider({ account, log: silentLogger, clock: systemClock, setContext: () => undefined, withViewProgress: (_v, t) => t(),
        activeWorkspace: active })
      : op.route === 'GET /api-tokens/'
        ? new ApiTokensTreeProvider({ account, log: silentLogger, clock: systemClock, setContext: () => undefined, withViewProgress: (_v, t) => t() })
        : undefined;
    let expired = 0;
    const expirySub = backend.refresher.onExpired(() => void expired++);
    const rejections = watchRejections();
    try {
      await indexAccount(secrets, emulatorUrl(), session);
      const before: StoredSession = op.expiredLocally && !fault.localTokenFresh ? { ...session, accessExpiresAt: Date.now() - 1_000 } : session;
      const tokensBefore = await tokenIds();
      // A session stored already expired is refreshed by the background timer
      // at once: the refresh fault must be in place before it is stored, or
      // that refresh can succeed first on a slow machine.
      const armFirst = op.route === 'POST /auth/refresh';
      if (armFirst) {
        await fault.arm(op.route);
      }
      await backend.store.write(before);
      await mirrored();
      // The sandbox calls name the workspace they act on; the Sandboxes view lists the active one.
      await active.set(PERSONAL);
      const sandboxesBefore = await liveSandboxes();
      await control('POST', '/stats/reset');
      if (!armFirst) {
        await fault.arm(op.route);
      }

      const { ok, error, signedOut } = await perform(op, backend, tree);
      await control('DELETE', '/faults');
      await mirrored();
      const expect = fault.expect(op);
      const secretList = [...(await issuedSecrets()), before.accessToken, before.refreshToken ?? ''];
      note.push(ok ? 'ok' : describeError(error));

      if (expect.outcome === 'recovered') {
        assert.ok(ok, `expected the call to recover, it failed: ${describeError(error)}`);
      } else if (expect.outcome === 'authFailure' && tree && signedOut) {
        // The view went back to the signed-out welcome; the one expiry prompt (checked below) says why.
        note.push('view signed out');
      } else {
        assert.ok(!ok, 'expected the call to fail');
        assert.ok(isModboxError(error), `not a ModboxError: ${describeError(error)}`);
        const kinds = expect.outcome === 'transient' ? expect.kinds : ['unauthorized'];
        assert.ok(kinds.includes(error.kind), `kind ${error.kind}, expected ${kinds.join('/')}: ${error.message}`);
        assertCleanMessage(error.message, secretList, 'the error message');
        if (error.detail) {
          assertCleanMessage(error.detail, secretList, 'the error detail');
        }
      }

      // What the tree shows: an error row with Retry, or the signed-out state when the session ended.
      if (tree) {
        // rows() reads any tree the same way; the cast only picks one node type for it.
        const shown = await rows(tree as unknown as WorkspacesTreeProvider);
        if (expect.outcome === 'transient') {
          assert.strictEqual(shown[0]?.contextValue, 'error', `no error row: ${JSON.stringify(shown)}`);
          assert.strictEqual(shown[0].command, 'modbox.refresh');
          assertCleanMessage(shown[0].label, secretList, 'the error row');
        } else if (expect.outcome === 'authFailure') {
          assert.deepStrictEqual(shown, [], 'a signed-out tree shows only the welcome content');
        } else {
          assert.ok(shown.length > 0 && shown.every((r) => r.contextValue !== 'error'), JSON.stringify(shown));
        }
      }

      const after = await backend.store.read();
      const stats = (await control('GET', '/stats')) as Stats;
      assert.strictEqual(stats.refreshReuse, 0, 'a spent refresh token was presented');
      if (expect.outcome === 'authFailure') {
        assert.strictEqual(after, undefined, 'the session survived a refused refresh');
        assert.strictEqual(expired, 1, 'the user must be told exactly once that the session ended');
      } else {
        assert.ok(after, 'the session was lost');
        assert.strictEqual(after.id, before.id);
        assert.strictEqual(expired, 0, 'the session was reported as expired');
        if (expect.outcome === 'transient') {
          assert.strictEqual(after.refreshToken, before.refreshToken, 'the stored session changed');
        } else {
          assert.strictEqual(stats.refreshCalls, 1, 'expected exactly one refresh');
          assert.notStrictEqual(after.accessToken, before.accessToken, 'no new access token');
        }
      }

      const tokensAfter = await tokenIds();
      if (op.route === 'POST /api-tokens/') {
        const created = stats.requests.filter((r) => r.method === 'POST' && r.path === '/api-tokens/' && r.status === 201).length;
        assert.ok(created <= 1, `${created} tokens created by one click`);
        assert.strictEqual(tokensAfter.length, tokensBefore.length + (ok ? 1 : 0), 'token count');
      } else if (op.route === 'DELETE /api-tokens/*') {
        assert.strictEqual(tokensAfter.includes(REVOKED_ID), !ok, ok ? 'reported revoked, still there' : 'reported failed, but gone');
      } else {
        assert.deepStrictEqual(tokensAfter, tokensBefore, 'a read changed the tokens');
      }
      // Nothing lost, nothing doubled: one click provisions at most one sandbox, and destroy did what it said.
      const sandboxesAfter = await liveSandboxes();
      if (op.route === 'POST /sandboxes/provision') {
        const provisioned = stats.requests.filter((r) => r.method === 'POST' && r.path === '/sandboxes/provision' && r.status === 200).length;
        assert.ok(provisioned <= 1, `${provisioned} provisions answered for one click`);
        assert.deepStrictEqual(sandboxesAfter, ok ? [...sandboxesBefore, NEW_TASK].sort() : sandboxesBefore, 'live sandboxes');
      } else if (op.route === 'POST /sandboxes/destroy') {
        assert.strictEqual(sandboxesAfter.includes(SEEDED_SANDBOX.task), !ok, ok ? 'reported destroyed, still live' : 'reported failed, but destroyed');
      } else {
        assert.deepStrictEqual(sandboxesAfter, sandboxesBefore, 'a read changed the sandboxes');
      }
      // Rejections surface a tick after they happen.
      await new Promise((r) => setTimeout(r, 20));
      assert.deepStrictEqual(rejections.reasons.map(describeError), [], 'unhandled rejections');
    } finally {
      rejections.stop();
      expirySub.dispose();
      tree?.dispose();
      account.dispose(); // disposes the backend too
    }
  }
});

async function perform(
  op: Operation,
  backend: Backend,
  tree: WorkspacesTreeProvider | ApiTokensTreeProvider | SandboxesTreeProvider | undefined,
): Promise<{ ok: boolean; error?: unknown; signedOut?: boolean }> {
  if (tree) {
    // The way a user reads a list: the view loads it, and keeps any failure as its state.
    await tree.refresh();
    const state = tree.state;
    if (state.kind === 'failed') {
      return { ok: false, error: state.error };
    }
    // 'empty' is the signed-out state: the session ended while loading, and the view shows the welcome.
    return state.kind === 'loaded' ? { ok: true } : { ok: false, signedOut: state.kind === 'empty', error: new Error(`the view ended in state ${state.kind}`) };
  }
  try {
    switch (op.route) {
      case 'POST /api-tokens/':
        await backend.client.createApiToken('fault-matrix');
        break;
      case 'DELETE /api-tokens/*': {
        const { alreadyGone } = await backend.client.revokeApiToken(REVOKED_ID);
        assert.strictEqual(alreadyGone, false, 'the token was reported already gone');
        break;
      }
      case 'POST /sandboxes/provision': {
        const provisioned = await backend.client.provisionSandbox(PERSONAL.id, { taskId: NEW_TASK, ttlSeconds: 600 });
        assert.strictEqual(provisioned.status, 'provisioning');
        break;
      }
      case 'POST /sandboxes/wait': {
        const waited = await backend.client.waitForSandbox(PERSONAL.id, SEEDED_SANDBOX.task, { timeoutSeconds: 1, pollIntervalSeconds: 1 });
        assert.strictEqual(waited.ready, true, 'a running sandbox was reported not ready');
        break;
      }
      case 'GET /sandboxes/detail/*': {
        const { sandbox } = await backend.client.getSandboxDetailJson(PERSONAL.id, SEEDED_SANDBOX.id);
        assert.strictEqual(sandbox.name, SEEDED_SANDBOX.task);
        break;
      }
      case 'POST /sandboxes/destroy': {
        const { alreadyGone } = await backend.client.destroySandbox(PERSONAL.id, SEEDED_SANDBOX.task);
        assert.strictEqual(alreadyGone, false, 'the sandbox was reported already gone');
        break;
      }
      case 'POST /auth/refresh':
        // A call that needs the refresh first: what the user sees is what it throws.
        await backend.client.listWorkspaces();
        break;
      default:
        throw new Error(`no operation for ${op.route}`);
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The task ids of Ada's live (not destroyed) sandboxes in Personal, sorted, read straight from the emulator. */
async function liveSandboxes(): Promise<string[]> {
  const { access_token } = await mint();
  const res = await fetch(`${emulatorUrl()}/sandboxes`, {
    headers: { authorization: `Bearer ${access_token}`, 'x-workspace-id': PERSONAL.id },
    signal: AbortSignal.timeout(10_000),
  });
  assert.strictEqual(res.status, 200, 'could not list sandboxes');
  return ((await res.json()) as { sandboxes: { name: string; status: string }[] }).sandboxes
    .filter((s) => s.status !== 'destroyed').map((s) => s.name).sort();
}

function printMatrix(results: Map<string, CellResult>): { passed: number; total: number } {
  const columns = [...OPERATIONS.map((o) => o.name), NOT_APPLICABLE];
  const width = Math.max(...FAULTS.map((f) => f.name.length)) + 2;
  const lines = [`${''.padEnd(width)}${columns.map((c) => c.padEnd(17)).join('')}`];
  let passed = 0;
  let total = 0;
  for (const fault of FAULTS) {
    const cells = OPERATIONS.map((op) => {
      const result = results.get(`${fault.name}|${op.name}`);
      total++;
      if (result?.passed) passed++;
      return (result?.passed ? '✓' : '✗').padEnd(17);
    });
    lines.push(`${fault.name.padEnd(width)}${cells.join('')}n/a`);
  }
  lines.push(`(${NOT_APPLICABLE}: n/a, the tokens arrive in the callback itself and no exchange call exists to fault)`);
  lines.push(`fault matrix: ${passed}/${total} cells passed`);
  console.log(lines.join('\n'));
  return { passed, total };
}
