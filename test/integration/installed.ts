// The mocha hooks every suite that drives the installed extension shares.
import type { TestHooks } from '../../src/extension';
import type { Ui } from '../../src/ui/ui';
import { control, resetEmulator } from '../support/emulatorControl';
import { hooks, signOutQuietly } from './auth/helpers';

/**
 * The extension's test hooks once; then per test a signed-out account and a
 * freshly seeded emulator and, with `ui`, a new scripted Ui answering every
 * prompt. Afterwards VS Code's own prompts come back, faults are cleared and
 * the account is signed out. Read `h` and `ui` from a test or a later hook.
 */
export function useInstalledExtension<U extends Ui>(ui?: () => U): { readonly h: TestHooks; readonly ui: U } {
  const state = {} as { h: TestHooks; ui: U };
  before(async () => {
    state.h = await hooks();
  });
  beforeEach(async () => {
    await signOutQuietly(state.h);
    await resetEmulator();
    if (ui) {
      state.ui = ui();
      state.h.setUi(state.ui);
    }
  });
  afterEach(async () => {
    state.h.setUi(undefined);
    await control('DELETE', '/faults');
    await signOutQuietly(state.h);
  });
  return state;
}
