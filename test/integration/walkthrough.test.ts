// The "Get started with Modbox" walkthrough as VS Code reads it from the
// installed extension: its steps, the events that complete them, the commands
// their buttons run, and the files they show.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { eventually } from './views/helpers';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents: string[];
}

describe('walkthrough: Get started with Modbox', () => {
  const ext = vscode.extensions.getExtension('modbox.vscode-modbox');

  it('is contributed with its four steps, each completed by the real context key', () => {
    assert.ok(ext, 'extension not found');
    const json = ext.packageJSON as { contributes: { walkthroughs?: Array<{ id: string; title: string; steps: Step[] }>; commands: Array<{ command: string }> } };
    const walkthrough = json.contributes.walkthroughs?.find((w) => w.id === 'modbox.gettingStarted');
    assert.ok(walkthrough, 'no walkthrough modbox.gettingStarted');
    assert.strictEqual(walkthrough.title, 'Get started with Modbox');
    assert.deepStrictEqual(walkthrough.steps.map((s) => s.completionEvents), [
      ['onContext:modbox.signedIn'],
      ['onContext:modbox.workspaceChosen'],
      ['onContext:modbox.sandboxCreated'],
      ['onContext:modbox.terminalCredentialsOn'],
    ]);
    assert.deepStrictEqual(
      walkthrough.steps.map((s) => /\(command:([\w.]+)\)/.exec(s.description)?.[1]),
      ['modbox.signIn', 'modbox.selectWorkspace', 'modbox.createSandbox', 'modbox.openTerminal'],
    );

    // The keys the extension's code sets, as string literals in its bundles (the commands that set some are in dist/commands.js).
    const dist = path.join(ext.extensionPath, 'dist');
    const bundle = fs.readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(dist, f), 'utf8')).join('\n');
    for (const step of walkthrough.steps) {
      const key = step.completionEvents[0].slice('onContext:'.length);
      const set = bundle.includes(`'${key}'`) || bundle.includes(`"${key}"`);
      assert.ok(set, `nothing sets ${key}`);
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && fs.existsSync(path.join(ext.extensionPath, media)), `step ${step.id}: no media file ${media}`);
      assert.ok(!/%\w/.test(step.title) && step.title.length > 0, `step ${step.id}: title not localised: ${step.title}`);
    }
  });

  it('the sign-in and workspace steps\' buttons run registered commands', async () => {
    // Registered on activation; run alone, this suite may come before anything activated the extension.
    await vscode.extensions.getExtension('modbox.vscode-modbox')?.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of ['modbox.signIn', 'modbox.selectWorkspace']) {
      assert.ok(registered.has(command), `${command} is not registered`);
    }
  });

  it('opens in the workbench', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'modbox.vscode-modbox#modbox.gettingStarted', false);
    // The walkthrough is a Welcome page editor: wait for VS Code to show it.
    const labels = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    await eventually(() => labels().some((l) => /Welcome|Walkthrough|Get started/i.test(l)), 10_000, 'the walkthrough tab');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
