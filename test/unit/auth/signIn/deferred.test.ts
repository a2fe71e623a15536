import * as assert from 'node:assert/strict';
import type { Backend } from '../../../../src/auth/backend';
import { Emitter } from '../../../../src/auth/emitter';
import { deferredSignIn, type SignInApi } from '../../../../src/auth/signIn/deferred';
import type { CallbackOutcome } from '../../../../src/auth/signIn/signIn';

function fakeSignIn(log: string[]): SignInApi & { emitter: Emitter<CallbackOutcome> } {
  const emitter = new Emitter<CallbackOutcome>();
  return {
    emitter,
    run: async () => {
      log.push('run');
      return undefined;
    },
    handleUri: (uri) => {
      log.push(`uri ${uri.path}`);
      emitter.fire('invalid');
    },
    onDidHandleCallback: emitter.event,
    dispose: () => void log.push('dispose'),
  };
}

const backend = {} as Backend;

describe('deferredSignIn', () => {
  it('creates the sign-in on first use only, once, and forwards calls', async () => {
    const log: string[] = [];
    let created = 0;
    const signIn = deferredSignIn(() => {
      created++;
      return fakeSignIn(log);
    });
    assert.equal(created, 0);
    await signIn.run(backend);
    signIn.handleUri({ path: '/auth-callback', toString: () => 'vscode://x/auth-callback' });
    assert.equal(created, 1);
    assert.deepEqual(log, ['run', 'uri /auth-callback']);
  });

  it('listeners subscribed before creation hear the callbacks', () => {
    const heard: CallbackOutcome[] = [];
    const signIn = deferredSignIn(() => fakeSignIn([]));
    signIn.onDidHandleCallback((o) => heard.push(o));
    signIn.handleUri({ path: '/auth-callback', toString: () => '' });
    assert.deepEqual(heard, ['invalid']);
  });

  it('dispose disposes the created sign-in, creates none, and later use fails as a rejection', async () => {
    const log: string[] = [];
    let created = 0;
    const unused = deferredSignIn(() => {
      created++;
      return fakeSignIn(log);
    });
    unused.dispose();
    assert.equal(created, 0);
    await assert.rejects(unused.run(backend), /disposed/);

    const used = deferredSignIn(() => fakeSignIn(log));
    await used.run(backend);
    used.dispose();
    assert.deepEqual(log, ['run', 'dispose']);
  });

  it('a failure to load the flows is a rejection of run, not a throw', async () => {
    const signIn = deferredSignIn(() => {
      throw new Error('cannot load dist/signIn.js');
    });
    await assert.rejects(signIn.run(backend), /cannot load/);
  });
});
