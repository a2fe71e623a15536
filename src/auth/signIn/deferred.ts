import type { Backend } from '../backend';
import { Emitter, type Disposable, type Listener } from '../emitter';
import type { StoredSession } from '../session/session';
import type { SignInOptions } from './options';
import type { CallbackOutcome } from './signIn';

/** What the rest of the extension uses of a sign-in: the real one (./signIn) or the deferred one below. */
export interface SignInApi extends Disposable {
  run(backend: Backend, options?: SignInOptions): Promise<StoredSession | undefined>;
  /** Entry point of the URI handler (only `uri.path` and `uri.toString(true)` are read). */
  handleUri(uri: { path: string; toString(skipEncoding?: boolean): string }): void;
  /** What became of each callback that reached us; for the log and for tests. */
  readonly onDidHandleCallback: (listener: Listener<CallbackOutcome>) => Disposable;
}

/**
 * A sign-in created the first time it is used (a sign-in runs or a callback
 * arrives), so activation does not load the sign-in flows (their own bundle,
 * dist/signIn.js). Listeners subscribed before that hear the real one's events.
 */
export function deferredSignIn(create: () => SignInApi): SignInApi {
  const emitter = new Emitter<CallbackOutcome>();
  let real: SignInApi | undefined;
  let forward: Disposable | undefined;
  let disposed = false;
  const get = (): SignInApi => {
    if (disposed) {
      throw new Error('The sign-in was disposed.');
    }
    if (!real) {
      real = create();
      forward = real.onDidHandleCallback((outcome) => emitter.fire(outcome));
    }
    return real;
  };
  return {
    run: (backend, options) => {
      try {
        return get().run(backend, options);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    handleUri: (uri) => get().handleUri(uri),
    onDidHandleCallback: emitter.event,
    dispose: () => {
      disposed = true;
      forward?.dispose();
      real?.dispose();
      emitter.dispose();
    },
  };
}
