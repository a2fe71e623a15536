import * as assert from 'node:assert/strict';
import { ADA_WORKSPACES, call, useEmulator } from './testUtil';

interface SandboxItem {
  id: string;
  name: string;
  status: string;
  sandbox_url: string;
  image: string;
  created_at: string;
  destroyed_at: string | null;
}

interface ImageItem {
  id: string;
  name: string;
  enabled: boolean;
  is_default: boolean;
  is_global: boolean;
  ttl_seconds: number | null;
}

interface Provisioned {
  success: boolean;
  error: string | null;
  sandbox_id: string | null;
  sandbox_url: string | null;
  status: string | null;
}

const GLOBAL_IMAGES = ['modbox/code-exec', 'modbox/chromium', 'modbox/ubuntu'];

/** Polls until `check` passes (the reaper runs on its own timer). */
async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('emulator: sandboxes', function () {
  this.timeout(10_000);
  const { em, url } = useEmulator({ sandboxProvisionMs: 60_000 });
  let ada = '';
  beforeEach(() => {
    ada = em().mintSession().access_token;
  });

  const inWs = (ws: string) => ({ 'X-Workspace-Id': ws });
  const list = async (headers: Record<string, string> = {}, query = ''): Promise<SandboxItem[]> => {
    const res = await call(url(), `/sandboxes${query}`, { token: ada, headers });
    assert.equal(res.status, 200, res.text);
    return (res.json as { sandboxes: SandboxItem[] }).sandboxes;
  };
  const provision = async (body: Record<string, unknown>, ws?: string): Promise<Provisioned> => {
    const res = await call(url(), '/sandboxes/provision', { token: ada, body, headers: ws ? inWs(ws) : {} });
    assert.equal(res.status, 200, res.text);
    return res.json as Provisioned;
  };
  const detailOf = async (id: string): Promise<SandboxItem> => {
    const res = await call(url(), `/sandboxes/detail/${id}`, { token: ada });
    assert.equal(res.status, 200, res.text);
    return res.json as SandboxItem;
  };

  describe('scoping', () => {
    it('lists all of the caller\'s sandboxes without X-Workspace-Id, one workspace with it, and filters by status', async () => {
      await provision({ task_id: 'engine-run' }, ADA_WORKSPACES.engines);
      assert.deepEqual((await list()).map((s) => [s.name, s.status]),
        [['notebook-runner', 'running'], ['nightly-build', 'destroyed'], ['engine-run', 'provisioning']]);
      assert.deepEqual((await list(inWs(ADA_WORKSPACES.engines))).map((s) => s.name), ['engine-run']);
      assert.deepEqual((await list(inWs(ADA_WORKSPACES.personal), '?status=running')).map((s) => s.name), ['notebook-runner']);
      assert.deepEqual((await list({}, '?status=destroyed')).map((s) => s.name), ['nightly-build']);
      const log = em().stats().requests.filter((r) => r.path === '/sandboxes');
      assert.deepEqual(log.map((r) => r.workspaceId), [null, ADA_WORKSPACES.engines, ADA_WORKSPACES.personal, null]);
    });

    it('answers 403 with a detail, and none of its data, for a workspace the caller is not a member of', async () => {
      for (const ws of [ADA_WORKSPACES.graces, '0b000000-0000-4000-8000-00000000ffff']) {
        for (const [path, body] of [['/sandboxes', undefined], ['/sandbox-images', undefined], ['/sandboxes/provision', { task_id: 'x' }],
          ['/sandboxes/wait', { task_id: 'x' }], ['/sandboxes/destroy', { task_id: 'x' }]] as const) {
          const res = await call(url(), path, { token: ada, headers: inWs(ws), body });
          assert.equal(res.status, 403, `${path} ${res.text}`);
          assert.deepEqual(res.json, { detail: 'You are not a member of this workspace' });
        }
      }
      const bad = await call(url(), '/sandboxes', { token: ada, headers: inWs('not-a-uuid') });
      assert.equal(bad.status, 422);
      assert.equal((await call(url(), '/sandboxes')).status, 401);
    });

    it('provisions into the caller\'s default workspace without X-Workspace-Id', async () => {
      const p = await provision({ task_id: 'defaulted' });
      assert.deepEqual((await list(inWs(ADA_WORKSPACES.personal))).map((s) => s.id).includes(p.sandbox_id ?? ''), true);
    });

    it('hides a sandbox\'s detail from non-members and from another workspace\'s scope', async () => {
      const grace = em().mintSession('grace@example.com').access_token;
      const p = await call(url(), '/sandboxes/provision', { token: grace, body: { task_id: 'graces-own' } });
      const id = (p.json as Provisioned).sandbox_id;
      assert.equal((await call(url(), `/sandboxes/detail/${id}`, { token: ada })).status, 404);
      assert.equal((await call(url(), `/sandboxes/detail/${id}`, { token: grace })).status, 200);
      const personal = '0e000000-0000-4000-8000-000000000001';
      assert.equal((await call(url(), `/sandboxes/detail/${personal}`, { token: ada, headers: inWs(ADA_WORKSPACES.engines) })).status, 404);
      assert.equal((await call(url(), `/sandboxes/detail/${personal}`, { token: ada, headers: inWs(ADA_WORKSPACES.personal) })).status, 200);
    });

    it('refuses viewers provision and destroy, but lets them list', async () => {
      const res = await call(url(), '/sandboxes/provision', { token: ada, headers: inWs(ADA_WORKSPACES.labs), body: { task_id: 't' } });
      assert.equal(res.status, 403);
      assert.equal((await call(url(), '/sandboxes/destroy', { token: ada, headers: inWs(ADA_WORKSPACES.labs), body: { task_id: 't' } })).status, 403);
      assert.deepEqual(await list(inWs(ADA_WORKSPACES.labs)), []);
    });
  });

  describe('lifecycle', () => {
    it('provisions with the documented answer, turns running after sandboxProvisionMs, and serves the sandbox URL', async () => {
      const p = await provision({ task_id: 'life-1', ttl_seconds: 600, env_vars: { A: '1' } });
      assert.equal(p.success, true);
      assert.equal(p.error, null);
      assert.equal(p.status, 'provisioning');
      assert.match(p.sandbox_url ?? '', /^http:\/\/127\.0\.0\.\d+:\d+\/__sandbox\/[0-9a-f-]+\/$/);
      assert.equal((await call(p.sandbox_url ?? '', '')).status, 503);
      em().advanceClock(61);
      const d = await detailOf(p.sandbox_id ?? '');
      assert.deepEqual([d.name, d.status, d.sandbox_url, d.image], ['life-1', 'running', p.sandbox_url, 'modbox/code-exec:latest']);
      const page = await call(p.sandbox_url ?? '', '');
      assert.equal(page.status, 200);
      assert.match(page.text, /sandbox life-1 running/);
    });

    it('keeps task ids unique per workspace among live sandboxes: a duplicate is refused in a 200 body', async () => {
      await provision({ task_id: 'dup' });
      const again = await provision({ task_id: 'dup' });
      assert.deepEqual([again.success, again.sandbox_id], [false, null]);
      assert.match(again.error ?? '', /already exists/);
      assert.equal((await provision({ task_id: 'dup' }, ADA_WORKSPACES.engines)).success, true, 'another workspace may reuse it');
      assert.deepEqual((await call(url(), '/sandboxes/destroy', { token: ada, body: { task_id: 'dup' } })).json, { success: true, error: null });
      assert.equal((await provision({ task_id: 'dup' })).success, true, 'a destroyed task id is free again');
    });

    it('destroys before ready and reports an unknown task in a 200 body', async () => {
      const p = await provision({ task_id: 'early' });
      const gone = await call(url(), '/sandboxes/destroy', { token: ada, body: { task_id: 'early' } });
      assert.deepEqual(gone.json, { success: true, error: null });
      const d = await detailOf(p.sandbox_id ?? '');
      assert.equal(d.status, 'destroyed');
      assert.ok(d.destroyed_at);
      assert.equal((await call(p.sandbox_url ?? '', '')).status, 410);
      const again = await call(url(), '/sandboxes/destroy', { token: ada, body: { task_id: 'early' } });
      assert.deepEqual([again.status, again.json], [200, { success: false, error: 'Sandbox not found' }]);
    });

    it('validates provision input the FastAPI way', async () => {
      for (const body of [{}, { task_id: '' }, { task_id: 'x'.repeat(256) }, { task_id: 't', ttl_seconds: 59 }, { task_id: 't', ttl_seconds: 86_401 },
        { task_id: 't', env_vars: { A: 1 } }, { task_id: 't', image: 'x'.repeat(513) }]) {
        const res = await call(url(), '/sandboxes/provision', { token: ada, body });
        assert.equal(res.status, 422, JSON.stringify(body));
      }
    });

    it('destroys sandboxes past their TTL on the reaper\'s tick, not before', async () => {
      const p = await provision({ task_id: 'short', ttl_seconds: 60 });
      await provision({ task_id: 'forever' });
      em().advanceClock(59);
      assert.equal(em().reapSandboxes(), 0);
      em().advanceClock(2);
      assert.equal((await detailOf(p.sandbox_id ?? '')).status, 'running', 'expired but not reaped yet');
      em().setConfig({ reaperTickMs: 20 });
      await eventually(async () => (await detailOf(p.sandbox_id ?? '')).status === 'destroyed');
      assert.deepEqual((await list(inWs(ADA_WORKSPACES.personal), '?status=running')).map((s) => s.name), ['notebook-runner', 'forever']);
    });

    it('reaches failed when sandboxOutcome is failed, or when the control API forces it', async () => {
      em().setConfig({ sandboxOutcome: 'failed', sandboxProvisionMs: 0 });
      const p = await provision({ task_id: 'doomed' });
      assert.equal((await detailOf(p.sandbox_id ?? '')).status, 'failed');
      em().setConfig({ sandboxOutcome: 'running' });
      const q = await provision({ task_id: 'forced' });
      const forced = await call(url(), '/__emulator/sandbox-status', { body: { sandbox_id: q.sandbox_id, status: 'failed' } });
      assert.equal(forced.status, 200);
      assert.equal((await detailOf(q.sandbox_id ?? '')).status, 'failed');
      assert.equal((await call(url(), '/__emulator/sandbox-status', { body: { sandbox_id: q.sandbox_id, status: 'exploded' } })).status, 400);
    });
  });

  describe('wait', () => {
    it('holds the request until the sandbox runs', async () => {
      em().setConfig({ sandboxProvisionMs: 400 });
      await provision({ task_id: 'waited' });
      const started = Date.now();
      const res = await call(url(), '/sandboxes/wait', { token: ada, body: { task_id: 'waited', poll_interval: 1, timeout: 5 } });
      assert.equal(res.status, 200);
      const answer = res.json as { ready: boolean; elapsed_seconds: number };
      assert.equal(answer.ready, true);
      assert.ok(Date.now() - started >= 400, 'it held the request');
      assert.ok(answer.elapsed_seconds >= 0.4 && answer.elapsed_seconds < 3, String(answer.elapsed_seconds));
    });

    it('answers ready:false at the timeout, and at once for a failed or destroyed sandbox', async () => {
      await provision({ task_id: 'slow' });
      const started = Date.now();
      const res = await call(url(), '/sandboxes/wait', { token: ada, body: { task_id: 'slow', poll_interval: 1, timeout: 1 } });
      assert.equal((res.json as { ready: boolean }).ready, false);
      assert.ok(Date.now() - started >= 900);
      await call(url(), '/sandboxes/destroy', { token: ada, body: { task_id: 'slow' } });
      const quick = Date.now();
      const gone = await call(url(), '/sandboxes/wait', { token: ada, body: { task_id: 'slow', timeout: 30 } });
      assert.equal((gone.json as { ready: boolean }).ready, false);
      assert.ok(Date.now() - quick < 900);
    });

    it('validates poll_interval and timeout ranges, and 404s an unknown task', async () => {
      for (const extra of [{ poll_interval: 0 }, { poll_interval: 61 }, { timeout: 0 }, { timeout: 601 }, { timeout: 'soon' }]) {
        const res = await call(url(), '/sandboxes/wait', { token: ada, body: { task_id: 'notebook-runner', ...extra } });
        assert.equal(res.status, 422, JSON.stringify(extra));
      }
      assert.equal((await call(url(), '/sandboxes/wait', { token: ada, body: { task_id: 'nobody' } })).status, 404);
      const running = await call(url(), '/sandboxes/wait', { token: ada, body: { task_id: 'notebook-runner' } });
      assert.equal((running.json as { ready: boolean }).ready, true);
    });

    it('stops holding a wait whose client went away', async () => {
      await provision({ task_id: 'abandoned' });
      const aborted = call(url(), '/sandboxes/wait', { token: ada, body: { task_id: 'abandoned', timeout: 600 }, signal: AbortSignal.timeout(200) });
      await assert.rejects(aborted);
      await eventually(() => em().stats().requests.some((r) => r.path === '/sandboxes/wait' && r.status === 0));
    });
  });

  describe('images', () => {
    const images = async (ws?: string, query = ''): Promise<ImageItem[]> => {
      const res = await call(url(), `/sandbox-images${query}`, { token: ada, headers: ws ? inWs(ws) : {} });
      assert.equal(res.status, 200, res.text);
      return (res.json as { images: ImageItem[] }).images;
    };

    it('lists the three global defaults in every workspace, plus the workspace\'s own enabled images', async () => {
      const personal = await images();
      assert.deepEqual(personal.map((i) => [i.name, i.is_global, i.is_default]),
        [[GLOBAL_IMAGES[0], true, true], [GLOBAL_IMAGES[1], true, false], [GLOBAL_IMAGES[2], true, false]]);
      const engines = await images(ADA_WORKSPACES.engines);
      assert.deepEqual(engines.map((i) => [i.name, i.is_default]),
        [[GLOBAL_IMAGES[0], false], [GLOBAL_IMAGES[1], false], [GLOBAL_IMAGES[2], false], ['engines/notebook', true]]);
      const all = await images(ADA_WORKSPACES.engines, '?enabled_only=false');
      assert.deepEqual(all.filter((i) => !i.enabled).map((i) => i.name), ['engines/legacy']);
      assert.equal((await call(url(), '/sandbox-images?enabled_only=perhaps', { token: ada })).status, 422);
    });

    it('provisions with an image id (and its default TTL), the workspace default, or refuses an unusable image', async () => {
      const all = await images(ADA_WORKSPACES.engines, '?enabled_only=false');
      const chromium = all.find((i) => i.name === 'modbox/chromium');
      const legacy = all.find((i) => i.name === 'engines/legacy');
      const p = await provision({ task_id: 'with-image', image_id: chromium?.id }, ADA_WORKSPACES.engines);
      assert.equal((await detailOf(p.sandbox_id ?? '')).image, 'modbox/chromium:latest');
      const q = await provision({ task_id: 'default-image' }, ADA_WORKSPACES.engines);
      assert.equal((await detailOf(q.sandbox_id ?? '')).image, 'ghcr.io/analytical-engines/notebook:3.12');
      // The workspace default carries a 30 min TTL.
      em().advanceClock(1801);
      assert.equal(em().reapSandboxes(), 1);
      ada = em().mintSession().access_token;
      const disabled = await provision({ task_id: 'legacy', image_id: legacy?.id }, ADA_WORKSPACES.engines);
      assert.deepEqual([disabled.success, disabled.error], [false, 'Image engines/legacy is disabled']);
      const unknown = await provision({ task_id: 'nope', image_id: '0f000000-0000-4000-8000-0000000000ff' });
      assert.deepEqual([unknown.success, unknown.error], [false, 'Image not found']);
      const other = await provision({ task_id: 'not-here', image_id: all.find((i) => i.name === 'engines/notebook')?.id });
      assert.equal(other.success, false, "another workspace's image is not visible");
      const free = await provision({ task_id: 'free-form', image: 'python:3.12-slim' });
      assert.equal((await detailOf(free.sandbox_id ?? '')).image, 'python:3.12-slim');
    });
  });

  describe('control and faults', () => {
    it('seeds a thousand sandboxes in one call, in the asked state', async () => {
      const res = await call(url(), '/__emulator/seed-sandboxes', { body: { workspace_id: ADA_WORKSPACES.engines, count: 1000, status: 'provisioning' } });
      assert.deepEqual(res.json, { created: 1000 });
      const seeded = await list(inWs(ADA_WORKSPACES.engines));
      assert.equal(seeded.length, 1000);
      assert.ok(seeded.every((s) => s.status === 'provisioning'));
      assert.equal(new Set(seeded.map((s) => s.name)).size, 1000);
      for (const body of [{ workspace_id: 'nope', count: 1 }, { workspace_id: ADA_WORKSPACES.engines, count: -1 }, { workspace_id: ADA_WORKSPACES.engines, count: 1, status: 'odd' }]) {
        assert.equal((await call(url(), '/__emulator/seed-sandboxes', { body })).status, 400, JSON.stringify(body));
      }
    });

    it('injects faults on every sandbox route', async () => {
      const routes: Array<[string, string, unknown]> = [
        ['GET /sandboxes', '/sandboxes', undefined], ['POST /sandboxes/provision', '/sandboxes/provision', { task_id: 'f' }],
        ['POST /sandboxes/wait', '/sandboxes/wait', { task_id: 'f' }], ['GET /sandboxes/detail/*', '/sandboxes/detail/0e000000-0000-4000-8000-000000000001', undefined],
        ['POST /sandboxes/destroy', '/sandboxes/destroy', { task_id: 'f' }], ['GET /sandbox-images', '/sandbox-images', undefined],
      ];
      for (const [route, path, body] of routes) {
        em().setFault(route, { kind: 'status', status: 503, times: 1 });
        assert.equal((await call(url(), path, { token: ada, body })).status, 503, route);
      }
      em().setFault('GET /sandbox-images', { kind: 'hostile', variant: 'markup', times: 1 });
      const hostile = await call(url(), '/sandbox-images', { token: ada });
      assert.ok(Array.isArray((hostile.json as { images: unknown }).images));
      em().setFault('POST /sandboxes/provision', { kind: 'hostile', variant: 'markup', times: 1 });
      const refused = (await call(url(), '/sandboxes/provision', { token: ada, body: { task_id: 'f' } })).json as Provisioned;
      assert.equal(refused.success, false);
      assert.match(refused.error ?? '', /command:/);
    });
  });
});
