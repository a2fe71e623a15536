import '../../support/fakeVscode';
import * as assert from 'node:assert/strict';
import { NOT_NOW_MS, OFFER_STATE_KEY, offerTerminalCredentials, shouldOffer, type OfferSituation } from '../../../src/terminal/offer';
import { plainL10n } from '../../../src/views/l10n';
import { MemoryMemento } from '../../support/memoryMemento';

const FIRST: OfferSituation = { enabled: false, canCreateTokens: true, inFolder: true, offeredThisWindow: false };

describe('terminal credentials offer', () => {
  it('is made to a signed-in user in a folder who has not answered, once per window', () => {
    const state = new MemoryMemento();
    assert.equal(shouldOffer(state, FIRST, 0), true);
    assert.equal(shouldOffer(state, { ...FIRST, offeredThisWindow: true }, 0), false);
    assert.equal(shouldOffer(state, { ...FIRST, enabled: true }, 0), false);
    assert.equal(shouldOffer(state, { ...FIRST, canCreateTokens: false }, 0), false);
    assert.equal(shouldOffer(state, { ...FIRST, inFolder: false }, 0), false);
  });

  for (const [button, answer, turnedOn] of [['Turn On', 'turnedOn', true], ['Not Now', 'notNow', false], ["Don't Ask Again", 'never', false]] as const) {
    it(`"${button}" is remembered in globalState${turnedOn ? ' and turns the setting on' : ''}`, async () => {
      const state = new MemoryMemento();
      let on = false;
      const asked: string[][] = [];
      const result = await offerTerminalCredentials({
        ui: { showInformationMessage: async (_m, _o, ...items) => (asked.push(items), button) },
        state, now: () => 1000, l10n: plainL10n, turnOn: async () => void (on = true),
      });
      assert.equal(result, answer);
      assert.deepEqual(asked, [['Turn On', 'Not Now', "Don't Ask Again"]]);
      assert.deepEqual(state.get(OFFER_STATE_KEY), { answer, at: 1000 });
      assert.equal(on, turnedOn);
      assert.equal(shouldOffer(state, FIRST, 1000 + NOT_NOW_MS), answer === 'notNow', 'asked again after a while only for Not Now');
      assert.equal(shouldOffer(state, FIRST, 1001), false);
    });
  }

  it('Escape remembers nothing (the window does not ask again, a later window may)', async () => {
    const state = new MemoryMemento();
    const result = await offerTerminalCredentials({
      ui: { showInformationMessage: async () => undefined }, state, now: () => 0, l10n: plainL10n, turnOn: async () => assert.fail('turned on'),
    });
    assert.equal(result, undefined);
    assert.equal(state.get(OFFER_STATE_KEY), undefined);
  });

  it('nothing secret or unexpected in a corrupt answer makes it ask forever or crash', () => {
    const state = new MemoryMemento();
    void state.update(OFFER_STATE_KEY, { answer: '__proto__', at: 'x' });
    assert.equal(shouldOffer(state, FIRST, 0), true);
  });
});
