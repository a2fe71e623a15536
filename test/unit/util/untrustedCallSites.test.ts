import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { checkProgram, programWith, type Finding } from './untrustedCallSites';

const repoRoot = path.resolve(__dirname, '../../../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${path.relative(repoRoot, f.file)}:${f.line} (${f.surface}): ${f.code}`).join('\n');
}

// Stand-ins for the vscode API and our helpers, so the examples type-check on their own (each is a module).
const PRELUDE = `export {};
declare const vscode: {
  window: {
    showInformationMessage(m: string, ...rest: unknown[]): void;
    showErrorMessage(m: string, ...rest: unknown[]): void;
    showQuickPick<T>(items: T[], options: { title?: string }): void;
    withProgress(o: { title?: string }, task: () => void): void;
  };
  l10n: { t(template: string, ...args: unknown[]): string };
};
interface QuickPickItem { label: string; description?: string; detail?: string; alwaysShow?: boolean }
interface Workspace { id: string; name: string; memberCount: number }
declare function messageText(value: unknown): string;
declare function markdownText(value: unknown): string;
declare function inertMarkdown(value: string): object;
declare const ws: Workspace;
declare const item: { tooltip: unknown; description: string };
`;

describe('call sites that show text', function () {
  this.timeout(60_000);

  const srcDir = path.join(repoRoot, 'src');
  const files = sourceFiles(srcDir);
  // A copy of a real call site with its neutraliser removed: the Copy Workspace ID message.
  const realFile = path.join(srcDir, 'commands', 'workspaces.ts');
  const mutantFile = path.join(srcDir, 'commands', '__mutantWorkspaces.ts');
  const realCode = fs.readFileSync(realFile, 'utf8');
  const mutantCode = realCode.replace(`"Copied the ID of '{0}'.", messageText(workspaceLabel(workspace, vscode.l10n))`, `"Copied the ID of '{0}'.", workspace.name`);

  const bad: Array<[string, string]> = [
    ['a server value in a message', 'vscode.window.showInformationMessage(vscode.l10n.t("Copied {0}", ws.name));'],
    ['a template literal in a message', 'vscode.window.showErrorMessage(`Copied ${ws.name}`);'],
    ['concatenation in a message', 'vscode.window.showErrorMessage("Copied " + ws.name);'],
    ['a modal detail', 'vscode.window.showInformationMessage("x", { modal: true, detail: ws.name });'],
    ['a progress title', 'vscode.window.withProgress({ title: vscode.l10n.t("Revoking {0}", ws.name) }, () => undefined);'],
    ['a local copy of a server value', 'const wsName = ws.name; vscode.window.showInformationMessage(vscode.l10n.t("{0}", wsName));'],
    ['a quick-pick label', 'const items: QuickPickItem[] = [{ label: ws.name }]; vscode.window.showQuickPick(items, {});'],
    ['Markdown-escaped text in a message (wrong surface)', 'vscode.window.showInformationMessage(markdownText(ws.name));'],
    ['message text in a Markdown tooltip (wrong surface)', 'item.tooltip = inertMarkdown(messageText(ws.name));'],
    ['a tree description', 'item.description = ws.name;'],
    ['an l10n argument anywhere', 'export const s = vscode.l10n.t("{0}", ws.name);'],
  ];
  const good: Array<[string, string]> = [
    ['a neutralised server value', 'vscode.window.showInformationMessage(vscode.l10n.t("Copied {0}", messageText(ws.name)));'],
    ['a number', 'vscode.window.showInformationMessage(vscode.l10n.t("{0} members", ws.memberCount));'],
    ['a local const that was neutralised', 'const wsName = messageText(ws.name); vscode.window.showErrorMessage(`Copied ${wsName}`);'],
    ['a Markdown tooltip', 'item.tooltip = inertMarkdown(`**${markdownText(ws.name)}**`);'],
    ['a quick-pick item', 'const items: QuickPickItem[] = [{ label: messageText(ws.name), detail: messageText(ws.id) }]; vscode.window.showQuickPick(items, {});'],
  ];

  let srcFindings: Finding[] = [];
  let mutantFindings: Finding[] = [];
  const exampleFindings = new Map<string, Finding[]>();

  before(() => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(repoRoot, 'tsconfig.json'), {}, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    });
    assert.ok(config);
    const program = programWith({ ...config.options, noEmit: true }, files, new Map([[mutantFile, mutantCode]]));
    srcFindings = checkProgram(program, files);
    mutantFindings = checkProgram(program, [mutantFile]);

    const examples = new Map([...bad, ...good].map(([, code], i) => [path.join(repoRoot, `__example${i}.ts`), `${PRELUDE}\n${code}`]));
    const exampleProgram = programWith({ strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, types: [] }, [], examples);
    for (const [i, [, code]] of [...bad, ...good].entries()) {
      exampleFindings.set(code, checkProgram(exampleProgram, [path.join(repoRoot, `__example${i}.ts`)]));
    }
  });

  it('every place in src/ that shows server or user text neutralises it for its surface', () => {
    assert.ok(files.length > 30, 'src/ was not found');
    assert.equal(srcFindings.length, 0, `unneutralised text:\n${describeFindings(srcFindings)}`);
  });

  it('reports a real call site whose neutraliser was removed (the check is not vacuous)', () => {
    assert.notEqual(mutantCode, realCode, 'the Copy Workspace ID message changed; update this test');
    assert.ok(mutantFindings.some((f) => f.code === 'workspace.name'), describeFindings(mutantFindings) || 'nothing reported');
  });

  for (const [what, code] of bad) {
    it(`reports ${what}`, () => {
      assert.ok((exampleFindings.get(code) ?? []).length > 0, `not reported: ${code}`);
    });
  }
  for (const [what, code] of good) {
    it(`accepts ${what}`, () => {
      const findings = exampleFindings.get(code);
      assert.ok(findings, 'not checked');
      assert.equal(findings.length, 0, describeFindings(findings));
    });
  }
});
