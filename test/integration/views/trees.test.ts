// The extension's own Workspaces and API Tokens trees inside a real VS Code,
// against the emulator, following the extension's own account.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestHooks } from '../../../src/extension';
import type { ApiTokensTreeNode, ApiTokensTreeProvider } from '../../../src/views/apiTokensTree';
import type { WorkspacesTreeProvider } from '../../../src/views/workspacesTree';
import { signOutQuietly } from '../auth/helpers';
import { mintedSession, signInAs, storeSession, watchContextKeys } from './extension';
import { control, eventually, requests, rows, setFault } from './helpers';
import { useInstalledExtension } from '../installed';

describe('Modbox views: trees', () => {
  let h: TestHooks;
  let workspaces: WorkspacesTreeProvider;
  let apiTokens: ApiTokensTreeProvider;
  let context: { keys: Map<string, unknown>; stop(): void };

  const ext = useInstalledExtension();

  before(() => {
    h = ext.h;
    ({ workspaces, apiTokens } = h.views);
    // The tree sets its key only when it changes; start from the value it last set.
    context = watchContextKeys(apiTokens, { 'modbox.apiTokens.empty': (apiTokens as unknown as { lastEmpty?: boolean }).lastEmpty });
  });

  after(() => context.stop());


  it('shows nothing but the welcome content when signed out, and makes no request', async () => {
    await control('POST', '/stats/reset');
    assert.deepStrictEqual(await rows(workspaces), []);
    assert.deepStrictEqual(await rows(apiTokens), []);
    assert.deepStrictEqual(await requests(), []);
  });

  it("lists the seeded account's workspaces with role, and members on expand", async () => {
    await signInAs(h);
    await workspaces.refresh();
    const list = await rows(workspaces);
    assert.deepStrictEqual(
      list.map((r) => [r.label, r.description, r.contextValue]).sort(),
      [['Analytical Engines', 'admin', 'workspace'], ['Babbage Labs', 'viewer', 'workspace'], ['Personal', 'owner', 'workspace']],
    );
    const engines = (await workspaces.getChildren())!.find((n) => n.kind === 'workspace' && n.workspace.name === 'Analytical Engines')!;
    const item = await workspaces.getTreeItem(engines);
    assert.strictEqual(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const tooltip = item.tooltip as vscode.MarkdownString;
    assert.ok(tooltip.value.includes('0b000000\\-0000\\-4000\\-8000\\-000000000002'), tooltip.value);
    assert.ok(tooltip.value.includes('Realm: modbox'));
    assert.ok(tooltip.value.includes('4 members'));
    assert.strictEqual(tooltip.isTrusted, false);
    assert.strictEqual(tooltip.supportHtml, false);

    const members = await rows(workspaces, engines);
    assert.deepStrictEqual(
      members.map((m) => `${m.label}:${m.description}`).sort(),
      ['ada@example.com:admin', 'alan@example.com:viewer', 'charles@example.com:owner', 'grace@example.com:member'],
    );
  });

  it('lists API tokens newest first with relative dates, and masks the prefix in the hover', async () => {
    await signInAs(h);
    await apiTokens.refresh();
    const list = await rows(apiTokens);
    assert.deepStrictEqual(list.map((r) => r.label), ['deploy-bot', 'laptop', 'ci-pipeline']);
    assert.ok(list.every((r) => r.contextValue === 'apiToken'));
    assert.match(list[1].description, /^created .+ ago · last used never$/);
    assert.match(list[0].description, /^created .+ ago · last used .+ ago$/);
    assert.strictEqual(context.keys.get('modbox.apiTokens.empty'), false);

    const node = (await apiTokens.getChildren())![0];
    const item = await apiTokens.getTreeItem(node);
    const resolved = apiTokens.resolveTreeItem(item, node);
    const hover = (resolved.tooltip as vscode.MarkdownString).value;
    assert.match(hover, /Token: mbx\\_[A-Za-z0-9]{4}…/);
    const secrets = (await control('GET', '/issued-secrets') as { secrets: string[] }).secrets;
    assert.ok(secrets.every((s) => !hover.includes(s)), 'a full token value is in the hover');
  });

  it('sets the empty context key for an account without tokens (the "Create API token" welcome)', async () => {
    await signInAs(h, 'katherine@example.com');
    await apiTokens.refresh();
    assert.deepStrictEqual(await rows(apiTokens), []);
    assert.strictEqual(context.keys.get('modbox.apiTokens.empty'), true);
  });

  it('shows a load failure as one error row whose command is Retry, and recovers on refresh', async () => {
    await signInAs(h);
    await setFault('GET /workspaces', { kind: 'status', status: 503, detail: 'maintenance' });
    await workspaces.refresh();
    const failed = await rows(workspaces);
    assert.strictEqual(failed.length, 1);
    assert.match(failed[0].label, /^Couldn't load workspaces: /);
    assert.strictEqual(failed[0].contextValue, 'error');
    assert.strictEqual(failed[0].command, 'modbox.refresh');

    await control('DELETE', '/faults');
    await workspaces.refresh();
    assert.strictEqual((await rows(workspaces)).length, 3);
  });

  it('waits out a rate limit in the view ("Modbox is busy") and then loads', async function () {
    this.timeout(20_000);
    await signInAs(h);
    // Enough 429s to outlast the HTTP client's own retries, so the view sees the rate limit.
    await setFault('GET /api-tokens/', { kind: 'rateLimit', retryAfterSeconds: 1, times: 3 });
    const seen: string[] = [];
    const sub = apiTokens.onDidChangeTreeData(() => {
      void rows(apiTokens).then((r) => seen.push(...r.map((x) => x.label)));
    });
    try {
      await apiTokens.refresh();
    } finally {
      sub.dispose();
    }
    assert.ok(seen.some((l) => /^Modbox is busy\. Retrying in \d+ s…$/.test(l)), `no busy row in ${JSON.stringify(seen)}`);
    assert.deepStrictEqual((await rows(apiTokens)).map((r) => r.label), ['deploy-bot', 'laptop', 'ci-pipeline']);
  });

  it("never shows the previous account's rows after an account switch, even from a request in flight", async () => {
    await signInAs(h);
    await setFault('GET /api-tokens/', { kind: 'latency', ms: 800, times: 1 });
    const adaLoad = apiTokens.refresh();
    await signInAs(h, 'grace@example.com');
    // Cleared at once: a loading row, not Ada's tokens.
    const right = await rows(apiTokens);
    assert.ok(right.every((r) => r.contextValue === 'loading'), JSON.stringify(right));
    await adaLoad;
    await apiTokens.refresh();
    assert.deepStrictEqual((await rows(apiTokens)).map((r) => r.label), ['grace-notebook']);
  });

  it('does not refetch when only the access token changes (same session)', async () => {
    const session = await signInAs(h);
    await apiTokens.refresh();
    await control('POST', '/stats/reset');
    await storeSession(h, { ...session, accessToken: (await mintedSession()).accessToken });
    const list = await rows(apiTokens);
    assert.strictEqual(list.length, 3);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepStrictEqual((await requests()).filter((r) => r.path.startsWith('/api-tokens')), []);
  });

  it('clears both trees on sign-out', async () => {
    await signInAs(h);
    await Promise.all([workspaces.refresh(), apiTokens.refresh()]);
    await signOutQuietly(h);
    assert.deepStrictEqual(await rows(workspaces), []);
    assert.deepStrictEqual(await rows(apiTokens), []);
  });

  it('loads lazily when the view first asks for rows', async () => {
    await signInAs(h);
    const first = await rows(apiTokens);
    assert.deepStrictEqual(first.map((r) => r.contextValue), ['loading']);
    await eventually(async () => (await rows(apiTokens)).length === 3, 8000, 'tokens to load');
    const nodes = (await apiTokens.getChildren()) as ApiTokensTreeNode[];
    assert.ok(nodes.every((n) => n.kind === 'apiToken'));
  });
});
