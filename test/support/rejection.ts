import * as assert from 'node:assert/strict';

/**
 * `assert.rejects` that hands the error back so a test can go on reading it.
 * `check` throws (an AssertionError) when the error is the wrong one; a
 * promise that resolves fails with "Missing expected rejection".
 */
export async function rejection<E>(promise: Promise<unknown>, check: (err: unknown) => void): Promise<E> {
  const box: { err?: unknown } = {};
  await assert.rejects(promise, (err: unknown) => {
    check(err);
    box.err = err;
    return true;
  });
  return box.err as E;
}
