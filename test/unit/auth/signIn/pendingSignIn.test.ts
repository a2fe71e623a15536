import * as assert from 'node:assert/strict';
import type { CallbackResult } from '../../../../src/auth/signIn/callback';
import { PendingSignIns, SignInError } from '../../../../src/auth/signIn/pendingSignIn';
import { FakeClock, flushMicrotasks } from '../../../support/fakeClock';
import { rejection } from '../../../support/rejection';
import { CaptureLog, makeJwt } from '../helpers';

const AT = makeJwt({ sub: 'u' });

function tokens(state: string | undefined): CallbackResult {
  return { kind: 'tokens', state, tokens: { accessToken: AT, refreshToken: 'rt-secret', expiresIn: 300 } };
}

function signInRejection(p: Promise<unknown>): Promise<SignInError> {
  return rejection<SignInError>(p, (err) => assert.ok(err instanceof SignInError, `not a SignInError: ${String(err)}`));
}

describe('auth/pendingSignIn PendingSignIns', () => {
  let clock: FakeClock;
  let log: CaptureLog;
  let pending: PendingSignIns;
  beforeEach(() => {
    clock = new FakeClock();
    log = new CaptureLog();
    pending = new PendingSignIns(clock, log);
  });
  afterEach(() => pending.dispose());

  it('makes a fresh 32-byte base64url state per attempt', () => {
    const a = pending.begin('github');
    const b = pending.begin('google');
    assert.match(a.state, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.state, b.state);
  });

  it('uses the injected random source', () => {
    const fixed = new PendingSignIns(clock, log, (n) => Buffer.alloc(n, 7));
    assert.equal(fixed.begin('github').state, Buffer.alloc(32, 7).toString('base64url'));
    fixed.dispose();
  });

  it('resolves with the tokens and provider when the callback carries the right state', async () => {
    const attempt = pending.begin('microsoft');
    assert.equal(pending.complete(tokens(attempt.state)), 'accepted');
    const result = await attempt.result;
    assert.equal(result.accessToken, AT);
    assert.equal(result.refreshToken, 'rt-secret');
    assert.equal(result.provider, 'microsoft');
    assert.equal(pending.hasPending, false);
  });

  it('ignores a wrong or missing state and keeps waiting for the real one', async () => {
    const attempt = pending.begin('github');
    assert.equal(pending.complete(tokens('forged')), 'ignored-bad-state');
    assert.equal(pending.complete(tokens(attempt.state.slice(0, -1) + (attempt.state.endsWith('A') ? 'B' : 'A'))), 'ignored-bad-state');
    assert.equal(pending.complete(tokens(undefined)), 'ignored-bad-state');
    assert.equal(pending.complete({ kind: 'error', state: 'forged', error: 'access_denied' }), 'ignored-bad-state');
    assert.equal(pending.complete({ kind: 'invalid', reason: 'x' }), 'ignored-bad-state');
    assert.equal(pending.hasPending, true);
    assert.equal(pending.complete(tokens(attempt.state)), 'accepted');
    assert.equal((await attempt.result).accessToken, AT);
  });

  it('ignores callbacks when no sign-in is in progress', () => {
    assert.equal(pending.complete(tokens('anything')), 'ignored-no-pending');
  });

  it('refuses a replayed state after completion', async () => {
    const attempt = pending.begin('github');
    assert.equal(pending.complete(tokens(attempt.state)), 'accepted');
    await attempt.result;
    assert.equal(pending.complete(tokens(attempt.state)), 'ignored-no-pending');
    const next = pending.begin('github');
    assert.equal(pending.complete(tokens(attempt.state)), 'ignored-bad-state');
    next.cancel();
  });

  it('reports access_denied as "cancelled in the browser" and other errors clearly', async () => {
    const a = pending.begin('github');
    assert.equal(pending.complete({ kind: 'error', state: a.state, error: 'access_denied' }), 'accepted');
    const denied = await signInRejection(a.result);
    assert.equal(denied.kind, 'denied');
    assert.equal(denied.message, 'Sign-in was cancelled in the browser.');
    const b = pending.begin('github');
    pending.complete({ kind: 'error', state: b.state, error: 'server_error' });
    const failed = await signInRejection(b.result);
    assert.equal(failed.kind, 'failed');
    assert.match(failed.message, /server_error/);
  });

  it('times out, clears the pending state and refuses a late callback', async () => {
    const attempt = pending.begin('github', 5 * 60_000);
    await clock.advance(5 * 60_000 - 1);
    assert.equal(pending.hasPending, true);
    await clock.advance(1);
    const err = await signInRejection(attempt.result);
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /5 minutes/);
    assert.equal(pending.hasPending, false);
    assert.equal(pending.complete(tokens(attempt.state)), 'ignored-no-pending');
  });

  it('cancel rejects with "cancelled" and the state no longer works', async () => {
    const attempt = pending.begin('github');
    attempt.cancel('User pressed Cancel');
    const err = await signInRejection(attempt.result);
    assert.equal(err.kind, 'cancelled');
    assert.equal(err.message, 'User pressed Cancel');
    assert.equal(pending.complete(tokens(attempt.state)), 'ignored-no-pending');
  });

  it('a new attempt cancels the old one, whose state is then refused', async () => {
    const first = pending.begin('github');
    const second = pending.begin('google');
    const err = await signInRejection(first.result);
    assert.equal(err.kind, 'cancelled');
    assert.equal(pending.complete(tokens(first.state)), 'ignored-bad-state');
    first.cancel(); // cancelling a replaced attempt must not touch the new one
    assert.equal(pending.hasPending, true);
    assert.equal(pending.complete(tokens(second.state)), 'accepted');
    assert.equal((await second.result).provider, 'google');
  });

  it('a dropped, replaced attempt never causes an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      pending.begin('github');
      pending.begin('github');
      pending.dispose();
      await flushMicrotasks(10);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });

  it('never logs the state or tokens', async () => {
    const attempt = pending.begin('github');
    pending.complete(tokens('wrong-state-value'));
    pending.complete(tokens(attempt.state));
    await attempt.result;
    for (const secret of [attempt.state, AT, 'rt-secret', 'wrong-state-value']) {
      assert.ok(!log.text.includes(secret));
    }
    assert.ok(log.lines.length >= 3);
  });
});
