import * as assert from 'node:assert/strict';
import { accountForWorkspace } from '../../../src/auth/accountForWorkspace';

const session = {} as never;

describe('auth/accountForWorkspace', () => {
  const sees: Record<string, string[]> = { ada: ['ws-personal', 'ws-shared'], grace: ['ws-grace', 'ws-shared'] };
  const canSee = (accountId: string, workspaceId: string): Promise<boolean> => Promise.resolve(sees[accountId]?.includes(workspaceId) ?? false);
  const accounts = [{ id: 'ada', session }, { id: 'grace', session }, { id: 'lost', session: undefined }];

  it('picks the one account that can see the bound workspace', async () => {
    assert.equal(await accountForWorkspace(accounts, 'ws-grace', canSee), 'grace');
    assert.equal(await accountForWorkspace(accounts, 'ws-personal', canSee), 'ada');
  });

  it('leaves the choice alone when several or none can see it', async () => {
    assert.equal(await accountForWorkspace(accounts, 'ws-shared', canSee), undefined);
    assert.equal(await accountForWorkspace(accounts, 'ws-unknown', canSee), undefined);
  });

  it('never asks as a signed-out account, and counts a failed check as not seeing', async () => {
    const asked: string[] = [];
    const flaky = (accountId: string, workspaceId: string): Promise<boolean> => {
      asked.push(accountId);
      return accountId === 'ada' ? Promise.reject(new Error('offline')) : canSee(accountId, workspaceId);
    };
    assert.equal(await accountForWorkspace(accounts, 'ws-shared', flaky), 'grace');
    assert.deepEqual(asked.sort(), ['ada', 'grace']);
  });
});
