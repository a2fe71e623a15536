import type { SsoProvider } from '../session/session';
import type { FlowKind } from './flows';

export type SignInMethod = SsoProvider | 'apiToken';

/** Optional answers to the questions sign-in would ask; never secrets. */
export interface SignInOptions {
  method?: SignInMethod;
  flow?: FlowKind;
}
