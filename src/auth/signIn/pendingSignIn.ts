import { randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, Timer } from '../../util/clock';
import type { Logger } from '../../log/logger';
import type { CallbackResult } from './callback';
import type { SsoProvider, TokenSet } from '../session/session';

export type SignInErrorKind = 'cancelled' | 'timeout' | 'denied' | 'failed';

/** Why a pending sign-in did not produce tokens; `kind` is for code, `message` for users. */
export class SignInError extends Error {
  constructor(
    readonly kind: SignInErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

/** The tokens of a completed browser sign-in, with the provider it was started for. */
export interface TokenSetResult extends TokenSet {
  provider: SsoProvider;
}

export interface PendingAttempt {
  /** Goes into the sign-in URL; the callback must echo it. */
  readonly state: string;
  readonly result: Promise<TokenSetResult>;
  cancel(reason?: string): void;
}

export type CompleteOutcome = 'accepted' | 'ignored-no-pending' | 'ignored-bad-state';

interface Pending {
  state: Buffer;
  provider: SsoProvider;
  timer: Timer;
  resolve(value: TokenSetResult): void;
  reject(err: SignInError): void;
}

export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/**
 * At most one browser sign-in in flight. A callback is obeyed only if it
 * carries that attempt's random `state`; each state works once.
 */
export class PendingSignIns {
  private pending: Pending | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly randomBytes: (size: number) => Buffer = cryptoRandomBytes,
  ) {}

  get hasPending(): boolean {
    return this.pending !== undefined;
  }

  begin(provider: SsoProvider, timeoutMs: number = DEFAULT_SIGN_IN_TIMEOUT_MS): PendingAttempt {
    this.finish(new SignInError('cancelled', 'A new sign-in attempt replaced this one.'));
    const bytes = this.randomBytes(32);
    if (bytes.length !== 32) {
      throw new Error('The random source returned the wrong number of bytes.');
    }
    const state = bytes.toString('base64url');
    let entry!: Pending;
    const result = new Promise<TokenSetResult>((resolve, reject) => {
      entry = {
        state: Buffer.from(state, 'utf8'),
        provider,
        resolve,
        reject,
        timer: this.clock.setTimeout(() => {
          if (this.pending === entry) {
            this.log.info('The browser sign-in timed out.');
            this.finish(new SignInError('timeout', `Sign-in timed out after ${describeDuration(timeoutMs)}.`));
          }
        }, timeoutMs),
      };
    });
    // Callers may drop the promise (e.g. a replaced attempt): never an unhandled rejection.
    result.catch(() => undefined);
    this.pending = entry;
    this.log.info(`Started a browser sign-in with ${provider}.`);
    return {
      state,
      result,
      cancel: (reason?: string) => {
        if (this.pending === entry) {
          this.finish(new SignInError('cancelled', reason ?? 'Sign-in was cancelled.'));
        }
      },
    };
  }

  /**
   * Delivers a parsed callback. An `invalid` callback or one without the
   * pending attempt's state is ignored (and leaves the attempt pending).
   */
  complete(callback: CallbackResult): CompleteOutcome {
    const entry = this.pending;
    if (!entry) {
      this.log.info('Ignored a sign-in callback: no sign-in is in progress.');
      return 'ignored-no-pending';
    }
    const state = callback.kind === 'invalid' ? undefined : callback.state;
    if (state === undefined || !sameState(entry.state, state)) {
      this.log.warn('Ignored a sign-in callback whose state does not match the sign-in in progress.');
      return 'ignored-bad-state';
    }
    if (callback.kind === 'tokens') {
      this.pending = undefined;
      entry.timer.cancel();
      this.log.info('Received the sign-in tokens from the browser.');
      entry.resolve({ ...callback.tokens, provider: entry.provider });
      return 'accepted';
    }
    if (callback.kind === 'error') {
      this.log.info(`The browser sign-in ended with error "${callback.error}".`);
      this.finish(
        callback.error === 'access_denied'
          ? new SignInError('denied', 'Sign-in was cancelled in the browser.')
          : new SignInError('failed', `Sign-in failed in the browser (${callback.error}).`),
      );
      return 'accepted';
    }
    return 'ignored-bad-state';
  }

  /** Cancels whatever is pending (on deactivate or a changed API URL). */
  dispose(): void {
    this.finish(new SignInError('cancelled', 'Sign-in was cancelled.'));
  }

  private finish(err: SignInError): void {
    const entry = this.pending;
    if (!entry) {
      return;
    }
    this.pending = undefined;
    entry.timer.cancel();
    entry.reject(err);
  }
}

/** Constant time for equal lengths, so the state cannot be guessed byte by byte. */
function sameState(expected: Buffer, actual: string): boolean {
  const given = Buffer.from(actual, 'utf8');
  if (given.length !== expected.length) {
    return false;
  }
  return timingSafeEqual(expected, given);
}

function describeDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 1) {
    return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  }
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
