// Modbox: Write Credentials to .env, run as installed inside a real VS Code
// against the emulator, writing into the test window's own folder. Prompts are
// answered through the one UI seam; git is the real one.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TestHooks } from '../../../src/extension';
import { useInstalledExtension } from '../installed';
import { modboxLog, signInAs } from './extension';
import { control, emulatorUrl, eventually, requests, ScriptedUi } from './helpers';

const ENGINES = '0b000000-0000-4000-8000-000000000002';
const NEW_TOKEN = /new dedicated token/i;
const NO_TOKEN = /No token/;

const run = () => vscode.commands.executeCommand('modbox.writeEnvFile');
const pick = (label: RegExp) => (items: readonly vscode.QuickPickItem[]) => items.find((i) => label.test(i.label));

function folder(): string {
  const first = vscode.workspace.workspaceFolders?.[0];
  assert.ok(first && first.uri.scheme === 'file', 'the test window has no local folder');
  return first.uri.fsPath;
}

const file = (name: string) => path.join(folder(), name);
const read = (name: string) => (fs.existsSync(file(name)) ? fs.readFileSync(file(name), 'utf8') : undefined);

async function tokenPosts(): Promise<number> {
  return (await requests()).filter((r) => r.method === 'POST' && r.path === '/api-tokens/').length;
}

/** MODBOX_API_TOKEN's value in `text`. */
function tokenIn(text: string | undefined): string {
  const m = /^MODBOX_API_TOKEN=(mbx_[A-Za-z0-9_-]+)(?=[ \r]|$)/m.exec(text ?? '');
  assert.ok(m, `no MODBOX_API_TOKEN line in ${JSON.stringify(text?.replace(/mbx_\w+/g, 'mbx_…'))}`);
  return m[1];
}

describe('Modbox .env: Write Credentials to .env', () => {
  const ext = useInstalledExtension(() => new ScriptedUi());
  let h: TestHooks;
  let ui: ScriptedUi;

  beforeEach(async () => {
    ({ h, ui } = ext);
    await signInAs(h);
    await h.views.activeWorkspace.set({ id: ENGINES, name: 'Analytical Engines' });
    await control('POST', '/stats/reset');
  });

  afterEach(() => {
    for (const name of ['.env', '.gitignore', '.git']) {
      fs.rmSync(file(name), { recursive: true, force: true });
    }
  });

  it('writes a new dedicated token and the workspace id, keeps every other line, logs no token', async () => {
    const before = '\ufeff# local settings\r\nDB_URL="postgres://db/x" # keep\r\n\r\nexport DEBUG=1\r\n';
    fs.writeFileSync(file('.env'), before);
    fs.writeFileSync(file('.gitignore'), 'node_modules\n.env\n');
    ui.answer('showQuickPick', pick(NEW_TOKEN)).answer('showInputBox', 'it-dotenv');
    await run();

    const sources = (ui.called('showQuickPick')[0].items as vscode.QuickPickItem[]).map((i) => i.label);
    const terminalFeature = (await vscode.commands.getCommands(true)).includes('modbox.openTerminal');
    assert.strictEqual(sources.some((l) => /terminal token/i.test(l)), terminalFeature, JSON.stringify(sources));
    assert.ok(sources.some((l) => NO_TOKEN.test(l)), JSON.stringify(sources));

    const after = read('.env');
    const token = tokenIn(after);
    assert.strictEqual(after, `${before}MODBOX_API_TOKEN=${token}\r\nMODBOX_WORKSPACE_ID=${ENGINES}\r\n`);
    assert.strictEqual(await tokenPosts(), 1);
    // A token Modbox issued and accepts.
    const res = await fetch(`${emulatorUrl()}/workspaces`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    assert.strictEqual(res.status, 200, 'the emulator does not accept the written token');
    await h.views.apiTokens.refresh();
    assert.ok((await h.views.apiTokens.getChildren())?.some((n) => n.kind === 'apiToken' && n.token.description === 'it-dotenv'));

    // Shown nowhere: not on the clipboard, not in a message, not in the log (which names the keys).
    assert.deepStrictEqual(ui.clipboard, []);
    assert.ok(!JSON.stringify(ui.calls).includes(token), 'a prompt showed the token');
    assert.deepStrictEqual(ui.called('showWarningMessage'), [], 'asked about git though .gitignore ignores .env');
    assert.strictEqual(ui.called('showInformationMessage').at(-1)?.message, "Wrote MODBOX_API_TOKEN and MODBOX_WORKSPACE_ID to .env in '" + path.basename(folder()) + "'.");
    await eventually(async () => (await modboxLog(h)).includes('.env: MODBOX_API_TOKEN added, MODBOX_WORKSPACE_ID added.'), 8000, 'the log line');
    assert.ok(!(await modboxLog(h)).includes(token), 'the token was logged');
  });

  it('asks before replacing a different value: Escape leaves the file and creates no token, Replace replaces', async () => {
    const before = 'A=1\nMODBOX_API_TOKEN=mbx_someone_elses # theirs\nMODBOX_WORKSPACE_ID=\n';
    fs.writeFileSync(file('.env'), before);
    fs.writeFileSync(file('.gitignore'), '.env*\n');
    ui.answer('showQuickPick', pick(NEW_TOKEN)).answer('showInputBox', 'replace-me').answer('showWarningMessage', undefined);
    await run();
    const [ask] = ui.called('showWarningMessage');
    assert.match(ask.message, /already sets MODBOX_API_TOKEN to a different value\. Replace it\?$/);
    assert.strictEqual((ask.options as vscode.MessageOptions).modal, true);
    assert.ok(!ask.message.includes('mbx_someone_elses'), 'the existing value was shown');
    assert.strictEqual(read('.env'), before);
    assert.strictEqual(await tokenPosts(), 0, 'a token was created though nothing was written');

    ui.answer('showQuickPick', pick(NEW_TOKEN)).answer('showInputBox', 'replace-me').answer('showWarningMessage', 'Replace');
    await run();
    const after = read('.env');
    const token = tokenIn(after);
    assert.strictEqual(after, `A=1\nMODBOX_API_TOKEN=${token} # theirs\nMODBOX_WORKSPACE_ID=${ENGINES}\n`);
    assert.strictEqual(await tokenPosts(), 1);
  });

  it('in a git repository that does not ignore .env: warns, adds it to .gitignore when asked, and git then ignores it', async function () {
    this.timeout(30_000);
    execFileSync('git', ['init', '-q'], { cwd: folder(), timeout: 10_000 });
    fs.writeFileSync(file('.gitignore'), 'node_modules');
    ui.answer('showQuickPick', pick(NEW_TOKEN)).answer('showInputBox', 'git-check').answer('showWarningMessage', 'Add .env to .gitignore');
    await run();
    const [warning] = ui.called('showWarningMessage');
    assert.match(warning.message, /^Git does not ignore \.env in '.*': the token could be committed\.$/);
    assert.strictEqual((warning.options as vscode.MessageOptions).modal, true);
    assert.strictEqual(read('.gitignore'), 'node_modules\n.env\n');
    assert.strictEqual(ui.called('showWarningMessage').length, 1, 'warned again after adding the entry');
    // Git agrees (exit 0: ignored).
    execFileSync('git', ['check-ignore', '-q', '.env'], { cwd: folder(), timeout: 10_000 });
    tokenIn(read('.env'));
  });

  it('Escape at the git warning writes nothing: no .env, no .gitignore, no token', async () => {
    ui.answer('showQuickPick', pick(NEW_TOKEN)).answer('showInputBox', 'not-ignored').answer('showWarningMessage', undefined);
    await run();
    assert.match(ui.called('showWarningMessage')[0].message, /^Git does not ignore \.env/);
    assert.strictEqual(read('.env'), undefined);
    assert.strictEqual(read('.gitignore'), undefined);
    assert.strictEqual(await tokenPosts(), 0);
  });

  it('"Write Anyway" writes .env and leaves .gitignore alone', async () => {
    ui.answer('showQuickPick', pick(NEW_TOKEN)).answer('showInputBox', 'anyway').answer('showWarningMessage', 'Write Anyway');
    await run();
    tokenIn(read('.env'));
    assert.strictEqual(read('.gitignore'), undefined);
  });

  it('with "No token" writes only the workspace id, asks nothing about git, and is unchanged the second time', async () => {
    fs.writeFileSync(file('.env'), 'A=1');
    ui.answer('showQuickPick', pick(NO_TOKEN), pick(NO_TOKEN));
    await run();
    assert.strictEqual(read('.env'), `A=1\nMODBOX_WORKSPACE_ID=${ENGINES}`);
    await run();
    assert.strictEqual(read('.env'), `A=1\nMODBOX_WORKSPACE_ID=${ENGINES}`);
    assert.deepStrictEqual(ui.called('showWarningMessage'), []);
    assert.strictEqual(ui.called('showInformationMessage').at(-1)?.message, `The .env file in '${path.basename(folder())}' is already up to date.`);
    assert.strictEqual(await tokenPosts(), 0);
  });

  it('Escape at the token question or the description writes nothing', async () => {
    ui.answer('showQuickPick', undefined);
    await run();
    ui.answer('showQuickPick', pick(NEW_TOKEN)).answer('showInputBox', undefined);
    await run();
    assert.strictEqual(read('.env'), undefined);
    assert.strictEqual(await tokenPosts(), 0);
  });
});
