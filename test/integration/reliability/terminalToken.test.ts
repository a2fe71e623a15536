// The calls terminal credentials make (create the dedicated token, revoke it
// at sign-out, check it with the token itself) against every fault and every
// hostile answer the emulator can give, through the real client, session
// store and TerminalCredentials. Each cell checks what the user would read,
// what is left stored, and what the server holds afterwards.
import * as assert from 'assert';
import { isModboxError } from '../../../src/api/errors';
import type { Transport } from '../../../src/api/transport';
import type { Backend } from '../../../src/auth/backend';
import type { StoredSession } from '../../../src/auth/session/session';
import { silentLogger } from '../../../src/log/logger';
import { TerminalCredentials, terminalTokenApi, type SignedInOwner } from '../../../src/terminal/credentials';
import { pendingKey, recordKey } from '../../../src/terminal/tokenStore';
import { systemClock } from '../../../src/util/clock';
import { isApiToken } from '../../../src/util/secretShapes';
import { emulatorApiTokens, emulatorUrl, resetEmulator, setFault, control } from '../../support/emulatorControl';
import { MemorySecretStorage } from '../../support/memorySecretStorage';
import { recordFigures } from '../figures';
import { assertCleanMessage, backendOver, describeError, issuedSecrets, mint, toSession, transportWithDeadline, watchRejections } from './support';

const DEADLINE_MS = 700;
const DESCRIPTION = 'VS Code terminal – reliability';

const FAULTS: Array<{ name: string; fault: Record<string, unknown>; refusal?: boolean }> = [
  { name: 'timeout (hang)', fault: { kind: 'hang' } },
  { name: '500', fault: { kind: 'status', status: 500 } },
  { name: '503', fault: { kind: 'status', status: 503, detail: 'maintenance' } },
  { name: '429', fault: { kind: 'rateLimit', retryAfterSeconds: 120 } },
  { name: 'connection reset', fault: { kind: 'reset' } },
  { name: 'malformed JSON', fault: { kind: 'malformed' } },
  { name: 'HTML error page', fault: { kind: 'html', status: 502 } },
  // Once: for create, the client refreshes the session and retries; for the check, the server refused the token.
  { name: '401 once', fault: { kind: 'status', status: 401, times: 1 }, refusal: true },
];
const HOSTILE = ['huge', 'deep', 'wrongTypes', 'proto', 'markup', 'null', 'empty'].map((variant) => ({
  name: `hostile ${variant}`, fault: { kind: 'hostile', variant },
}));
const OPERATIONS = ['create', 'revoke at sign-out', 'check'] as const;
type Operation = typeof OPERATIONS[number];
const ROUTES: Record<Operation, string> = { create: 'POST /api-tokens/', 'revoke at sign-out': 'DELETE /api-tokens/*', check: 'GET /workspaces' };

async function terminalTokensOnServer(): Promise<string[]> {
  return (await emulatorApiTokens()).filter((t) => t.description === DESCRIPTION).map((t) => t.id);
}

describe('reliability: terminal token (faults and hostile answers x create, revoke, check)', function () {
  this.timeout(30_000);
  const results = new Map<string, { passed: boolean; note: string }>();
  let transport: Transport;

  before(() => {
    transport = transportWithDeadline(DEADLINE_MS);
  });

  after(async () => {
    await control('DELETE', '/faults');
    await resetEmulator();
    await transport.close?.();
    const cells = (FAULTS.length + HOSTILE.length) * OPERATIONS.length;
    const passed = [...results.values()].filter((r) => r.passed).length;
    console.log(`terminal token matrix: ${passed}/${results.size} cells passed`);
    for (const [key, r] of results) {
      console.log(`  ${r.passed ? 'ok  ' : 'FAIL'} ${key.replace('|', ' x ')}: ${r.note}`);
    }
    recordFigures('terminalToken', {
      complete: results.size === cells,
      passed: results.size === cells && passed === cells,
      faults: [...FAULTS, ...HOSTILE].map((f) => f.name),
      operations: [...OPERATIONS],
      cells,
      cellsPassed: passed,
      failedCells: [...results].filter(([, r]) => !r.passed).map(([key]) => key.replace('|', ' x ')),
    });
  });

  for (const fault of [...FAULTS, ...HOSTILE]) {
    for (const op of OPERATIONS) {
      const key = `${fault.name}|${op}`;
      it(`${fault.name} x terminal token ${op}`, async () => {
        results.set(key, { passed: false, note: 'did not finish' });
        const note = await runCell(fault, op);
        results.set(key, { passed: true, note });
      });
    }
  }

  async function runCell(fault: { fault: Record<string, unknown>; refusal?: boolean }, op: Operation): Promise<string> {
    await resetEmulator();
    const secrets = new MemorySecretStorage();
    const session: StoredSession = toSession(await mint());
    const backend: Backend = backendOver(session.account.id, secrets, transport, silentLogger);
    const rejections = watchRejections();
    try {
      await backend.store.write(session);
      const owner: SignedInOwner = { apiUrl: emulatorUrl(), accountId: session.account.id, canManageTokens: true };
      const creds = new TerminalCredentials({
        secrets, clock: systemClock, log: silentLogger, owner: () => owner,
        api: () => terminalTokenApi(backend.client), description: () => DESCRIPTION,
      });
      const secretList = async () => [...(await issuedSecrets()), session.accessToken, session.refreshToken ?? ''];
      const stored = () => secrets.values.get(recordKey(owner));

      if (op === 'create') {
        await setFault(ROUTES.create, fault.fault);
        let outcome: string;
        try {
          const token = await creds.ensureToken();
          assert.ok(token && isApiToken(token.token), 'resolved without a usable token');
          outcome = 'created';
        } catch (err) {
          assert.ok(isModboxError(err), `not a ModboxError: ${describeError(err)}`);
          assertCleanMessage(err.message, await secretList(), 'the error message');
          assert.strictEqual(stored(), undefined, 'a failed create left something stored');
          outcome = describeError(err);
        }
        await control('DELETE', '/faults');
        const onServer = await terminalTokensOnServer();
        assert.ok(onServer.length <= 1, `${onServer.length} terminal tokens for one attempt`);
        if (fault.refusal) {
          assert.strictEqual(outcome, 'created', 'a 401 once should be recovered by a refresh');
        }
        // Nothing lost: the next attempt works and reuses or makes exactly one.
        const again = await creds.ensureToken();
        assert.ok(again);
        assert.deepStrictEqual(await terminalTokensOnServer(), [again.id]);
        return outcome;
      }

      const token = await creds.ensureToken();
      assert.ok(token);
      if (op === 'revoke at sign-out') {
        await setFault(ROUTES['revoke at sign-out'], fault.fault);
        const result = await creds.sessionEnding(owner, terminalTokenApi(backend.clientFor(session)));
        await control('DELETE', '/faults');
        assert.strictEqual(stored(), undefined, 'terminals could still get the token');
        if (result.kind === 'pending') {
          assertCleanMessage(isModboxError(result.error) ? result.error.message : 'not a ModboxError', await secretList(), 'the error message');
          assert.ok(secrets.values.get(pendingKey(owner))?.includes(token.id), 'the revocation was not remembered');
          // The next sign-in revokes it.
          assert.strictEqual(await creds.retryPending(), 0);
        } else {
          assert.strictEqual(result.kind, 'revoked');
        }
        assert.deepStrictEqual(await terminalTokensOnServer(), [], 'the token is still live on the server');
        assert.strictEqual(secrets.values.get(pendingKey(owner)), undefined);
        return result.kind === 'pending' ? `pending (${describeError(result.error)}), revoked at next sign-in` : 'revoked';
      }

      // check: only a refusal replaces the token; anything else leaves it alone.
      await setFault(ROUTES.check, fault.fault);
      const result = await creds.validate();
      await control('DELETE', '/faults');
      const onServer = await terminalTokensOnServer();
      if (fault.refusal) {
        assert.strictEqual(result?.kind, 'recreated');
        assert.strictEqual(onServer.length, 1, 'one replacement expected, the refused token revoked');
        assert.notStrictEqual(onServer[0], token.id);
        assert.strictEqual(creds.tokenId(), onServer[0]);
      } else {
        assert.strictEqual(result?.kind, 'valid', `a ${JSON.stringify(fault.fault)} answer changed the token`);
        assert.deepStrictEqual(onServer, [token.id]);
        assert.strictEqual(creds.tokenId(), token.id);
      }
      return result?.kind ?? 'none';
    } finally {
      rejections.stop();
      assert.deepStrictEqual(rejections.reasons.map(describeError), [], 'unhandled rejections');
      backend.dispose();
    }
  }
});
