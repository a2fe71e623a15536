import * as assert from 'node:assert/strict';
import { ADA_WORKSPACES, USERS, call, useEmulator } from './testUtil';

interface WorkspaceItem {
  id: string;
  name: string;
  description: string | null;
  realm: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  role: string;
  member_count: number;
}

interface MemberItem {
  id: string;
  workspace_id: string;
  user_id: string;
  email: string;
  role: string;
  added_by: string;
  created_at: string;
}

describe('emulator: workspaces', () => {
  const { em, url } = useEmulator();
  let ada = '';
  beforeEach(() => {
    ada = em().mintSession().access_token;
  });
  const members = async (wsId: string): Promise<MemberItem[]> =>
    ((await call(url(), `/workspaces/${wsId}`, { token: ada })).json as { members: MemberItem[] }).members;

  it('lists the caller\'s workspaces with role and member count', async () => {
    const res = await call(url(), '/workspaces', { token: ada });
    assert.equal(res.status, 200);
    const list = (res.json as { workspaces: WorkspaceItem[] }).workspaces;
    assert.deepEqual(list.map((w) => [w.name, w.role, w.member_count]), [
      ['Personal', 'owner', 1], ['Analytical Engines', 'admin', 4], ['Babbage Labs', 'viewer', 2],
    ]);
    assert.equal(list[0].id, ADA_WORKSPACES.personal);
    assert.equal(list[0].realm, 'modbox');
    assert.equal(list[2].description, null);
    const grace = em().mintSession('grace@example.com').access_token;
    const theirs = ((await call(url(), '/workspaces', { token: grace })).json as { workspaces: WorkspaceItem[] }).workspaces;
    assert.deepEqual(theirs.map((w) => w.name), ['Analytical Engines', "Grace's Workspace"]);
  });

  it('shows a workspace\'s detail with members; 404 for non-members, 422 for a bad id', async () => {
    const res = await call(url(), `/workspaces/${ADA_WORKSPACES.engines}`, { token: ada });
    assert.equal(res.status, 200);
    const d = res.json as WorkspaceItem & { members: MemberItem[] };
    assert.equal(d.name, 'Analytical Engines');
    assert.deepEqual(d.members.map((m) => [m.email, m.role]), [
      ['charles@example.com', 'owner'], ['ada@example.com', 'admin'], ['grace@example.com', 'member'], ['alan@example.com', 'viewer'],
    ]);
    assert.deepEqual(Object.keys(d.members[0]).sort(), ['added_by', 'created_at', 'email', 'id', 'role', 'user_id', 'workspace_id']);
    assert.equal(d.members[0].workspace_id, ADA_WORKSPACES.engines);
    assert.equal((await call(url(), `/workspaces/${ADA_WORKSPACES.graces}`, { token: ada })).status, 404);
    assert.equal((await call(url(), '/workspaces/not-a-uuid', { token: ada })).status, 422);
  });

  it('creates a workspace owned by the caller and validates the name', async () => {
    const res = await call(url(), '/workspaces', { token: ada, body: { name: 'New one', description: 'd' } });
    assert.equal(res.status, 201);
    const created = res.json as WorkspaceItem & { members: MemberItem[] };
    assert.equal(created.name, 'New one');
    assert.deepEqual(created.members.map((m) => [m.user_id, m.role]), [[USERS.ada, 'owner']]);
    const list = ((await call(url(), '/workspaces', { token: ada })).json as { workspaces: WorkspaceItem[] }).workspaces;
    assert.equal(list.length, 4);
    for (const name of ['', 'x'.repeat(256), undefined]) {
      const bad = await call(url(), '/workspaces', { token: ada, body: name === undefined ? {} : { name } });
      assert.equal(bad.status, 422);
      assert.deepEqual((bad.json as { detail: Array<{ loc: string[] }> }).detail[0].loc, ['body', 'name']);
    }
  });

  it('lets owners and admins manage members, and refuses viewers', async () => {
    const add = await call(url(), `/workspaces/${ADA_WORKSPACES.engines}/members`, { token: ada, body: { email: 'katherine@example.com' } });
    assert.equal(add.status, 201);
    assert.equal((add.json as MemberItem).role, 'member');
    assert.equal((add.json as MemberItem).added_by, USERS.ada);
    assert.equal((await call(url(), `/workspaces/${ADA_WORKSPACES.engines}/members`, { token: ada, body: { email: 'katherine@example.com' } })).status, 409);
    assert.equal((await call(url(), `/workspaces/${ADA_WORKSPACES.engines}/members`, { token: ada, body: { email: 'nobody@example.com' } })).status, 404);
    assert.equal((await call(url(), `/workspaces/${ADA_WORKSPACES.engines}/members`, { token: ada, body: { email: 'not-an-email' } })).status, 422);
    // An admin cannot make owners.
    assert.equal((await call(url(), `/workspaces/${ADA_WORKSPACES.engines}/members/${USERS.grace}`, { method: 'PUT', token: ada, body: { role: 'owner' } })).status, 403);
    const promote = await call(url(), `/workspaces/${ADA_WORKSPACES.engines}/members/${USERS.grace}`, { method: 'PUT', token: ada, body: { role: 'admin' } });
    assert.equal(promote.status, 200);
    assert.equal((promote.json as MemberItem).role, 'admin');
    assert.equal((await call(url(), `/workspaces/${ADA_WORKSPACES.engines}/members/${USERS.alan}`, { method: 'DELETE', token: ada })).status, 204);
    assert.deepEqual((await members(ADA_WORKSPACES.engines)).map((m) => m.email), ['charles@example.com', 'ada@example.com', 'grace@example.com', 'katherine@example.com']);
    // Ada is only a viewer in Babbage Labs.
    const viewer = await call(url(), `/workspaces/${ADA_WORKSPACES.labs}/members`, { token: ada, body: { email: 'alan@example.com' } });
    assert.equal(viewer.status, 403);
    assert.equal((await call(url(), `/workspaces/${ADA_WORKSPACES.labs}`, { method: 'PUT', token: ada, body: { name: 'Mine now' } })).status, 403);
  });

  it('keeps at least one owner', async () => {
    const res = await call(url(), `/workspaces/${ADA_WORKSPACES.personal}/members/${USERS.ada}`, { method: 'DELETE', token: ada });
    assert.equal(res.status, 400);
    const demote = await call(url(), `/workspaces/${ADA_WORKSPACES.personal}/members/${USERS.ada}`, { method: 'PUT', token: ada, body: { role: 'member' } });
    assert.equal(demote.status, 400);
  });

  it('renames a workspace for owners', async () => {
    const res = await call(url(), `/workspaces/${ADA_WORKSPACES.personal}`, { method: 'PUT', token: ada, body: { name: 'Home' } });
    assert.equal(res.status, 200);
    assert.equal((res.json as WorkspaceItem).name, 'Home');
  });
});
