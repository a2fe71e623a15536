import { chmod } from 'node:fs/promises';
import * as vscode from 'vscode';
import { MAX_TOKEN_DESCRIPTION_LENGTH } from '../api/types';
import { editDotenv, effectiveValues, isWritableValue, type KeyOutcome } from '../dotenv/dotenvEdit';
import { isIgnored, runProgram } from '../dotenv/gitCheck';
import { withIgnoreEntry } from '../dotenv/gitignore';
import { messageText } from '../util/untrustedText';
import { errorReason } from '../views/errorText';
import { viewsClient } from '../views/viewsClient';
import { validateDescription } from './apiTokens';
import { ensureSignedIn, isAmbiguousFailure, runWrite, type CommandEnv } from './env';

export const TOKEN_KEY = 'MODBOX_API_TOKEN';
export const WORKSPACE_KEY = 'MODBOX_WORKSPACE_ID';
const ENV_FILE = '.env';
type FileName = typeof ENV_FILE | '.gitignore';
/** Larger than any real `.env`; a bigger file is refused rather than loaded into memory. */
const MAX_ENV_BYTES = 5 * 1024 * 1024;

type TokenSource = 'terminal' | 'new' | 'none';

interface SourcePick extends vscode.QuickPickItem {
  source: TokenSource;
}

interface FolderPick extends vscode.QuickPickItem {
  folder: vscode.WorkspaceFolder;
}

/**
 * The workspace whose id goes into the folder's `.env`: the one requests use.
 * (Kept in one place so per-folder workspaces can answer here.)
 */
function workspaceIdFor(env: CommandEnv, folder: vscode.WorkspaceFolder): string | undefined {
  return env.activeWorkspace.effective(folder.uri)?.id;
}

/**
 * Modbox: Write Credentials to .env. Asks for the folder and the token, then
 * sets only MODBOX_API_TOKEN and MODBOX_WORKSPACE_ID in that folder's `.env`,
 * keeping everything else in it. A different value already there is replaced
 * only after a modal; a `.env` that git would not ignore gets a warning and
 * the offer to add it to `.gitignore`. Escape at any prompt writes nothing.
 * The token goes into that file and nowhere else; the log names keys only.
 */
export async function writeEnvFile(env: CommandEnv): Promise<void> {
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to write credentials to .env.'))) {
    return;
  }
  const folder = await pickFolder(env);
  if (!folder) {
    return;
  }
  const source = await pickSource(env);
  if (!source) {
    return;
  }
  let description: string | undefined;
  if (source === 'new') {
    description = await askDescription(env, folder);
    if (description === undefined) {
      return;
    }
  }
  let token: string | undefined;
  if (source === 'terminal') {
    token = (await env.terminalToken?.())?.token;
    if (!token) {
      void env.ui.showErrorMessage(vscode.l10n.t('The terminal token is not available, so nothing was written.'), {});
      return;
    }
  }
  const workspaceId = workspaceIdFor(env, folder);
  if (workspaceId !== undefined && !isWritableValue(workspaceId)) {
    void env.ui.showErrorMessage(vscode.l10n.t('The workspace ID has characters a .env file cannot hold safely, so nothing was written.'), {});
    return;
  }
  if (source === 'none' && workspaceId === undefined) {
    void env.ui.showInformationMessage(vscode.l10n.t('No workspace is chosen, so there is nothing to write. Choose a workspace first.'), {});
    return;
  }
  const before = await readText(env, folder, ENV_FILE);
  if (before === undefined) {
    return;
  }

  // Ask before replacing a different value (a token created below differs from anything there).
  const current = effectiveValues(before.text, [TOKEN_KEY, WORKSPACE_KEY]);
  const differs = (key: string, next: string | undefined): boolean => {
    const value = current.get(key);
    return value !== undefined && value !== '' && value !== next;
  };
  const conflicts: string[] = [];
  if (source !== 'none' && differs(TOKEN_KEY, token)) {
    conflicts.push(TOKEN_KEY);
  }
  if (workspaceId !== undefined && differs(WORKSPACE_KEY, workspaceId)) {
    conflicts.push(WORKSPACE_KEY);
  }
  if (conflicts.length > 0 && !await confirmReplace(env, folder, conflicts)) {
    return;
  }

  let addToGitignore = false;
  if (source !== 'none') {
    const answer = await gitignoreCheck(env, folder);
    if (answer === 'cancel') {
      return;
    }
    addToGitignore = answer === 'add';
  }

  if (source === 'new' && description !== undefined) {
    const created = await createToken(env, description);
    if (!created) {
      return;
    }
    token = created;
  }

  const values: Array<[string, string]> = [];
  if (token !== undefined) {
    if (!isWritableValue(token)) {
      void env.ui.showErrorMessage(vscode.l10n.t('The token has characters a .env file cannot hold safely, so nothing was written.'), {});
      return;
    }
    values.push([TOKEN_KEY, token]);
  }
  if (workspaceId !== undefined) {
    values.push([WORKSPACE_KEY, workspaceId]);
  }
  // Read again: the file may have changed while the prompts were open.
  const latest = await readText(env, folder, ENV_FILE);
  if (latest === undefined) {
    return;
  }
  const edit = editDotenv(latest.text, values, new Set(conflicts));
  if (addToGitignore) {
    await addGitignoreEntry(env, folder);
  }
  const changed = edit.text !== latest.text;
  if (changed && !await writeText(env, folder, ENV_FILE, edit.text, !latest.exists)) {
    return;
  }
  report(env, folder, edit.outcomes, edit.duplicates, workspaceId === undefined);
}

async function pickFolder(env: CommandEnv): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void env.ui.showInformationMessage(vscode.l10n.t('Open a folder first: the .env file is written into a folder of this window.'), {});
    return undefined;
  }
  if (folders.length === 1) {
    return folders[0];
  }
  const items = folders.map((folder): FolderPick => ({
    label: messageText(folder.name),
    description: messageText(folder.uri.scheme === 'file' ? folder.uri.fsPath : folder.uri.toString(true)),
    folder,
  }));
  const picked = await env.ui.showQuickPick(items, {
    title: vscode.l10n.t('Write Credentials to .env'),
    placeHolder: vscode.l10n.t('Which folder gets the .env file?'),
  });
  return picked?.folder;
}

async function pickSource(env: CommandEnv): Promise<TokenSource | undefined> {
  const items: SourcePick[] = [];
  if (env.terminalToken) {
    items.push({
      label: vscode.l10n.t('$(terminal) The terminal token'),
      detail: vscode.l10n.t("The dedicated token this machine's terminals use."),
      source: 'terminal',
    });
  }
  items.push(
    {
      label: vscode.l10n.t('$(add) A new dedicated token'),
      detail: vscode.l10n.t('Created now for this .env file; it is listed under API Tokens, where you can revoke it.'),
      source: 'new',
    },
    {
      label: vscode.l10n.t('$(circle-slash) No token'),
      detail: vscode.l10n.t('Write only MODBOX_WORKSPACE_ID.'),
      source: 'none',
    },
  );
  const picked = await env.ui.showQuickPick(items, {
    title: vscode.l10n.t('Write Credentials to .env'),
    placeHolder: vscode.l10n.t('Which token goes into MODBOX_API_TOKEN?'),
  });
  return picked?.source;
}

async function askDescription(env: CommandEnv, folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  const description = await env.ui.showInputBox({
    title: vscode.l10n.t('New API Token for .env'),
    prompt: vscode.l10n.t('What is this token for? It is written to the .env file and shown nowhere else.'),
    value: `vscode-${env.machineName} ${folder.name}/.env`.slice(0, MAX_TOKEN_DESCRIPTION_LENGTH),
    ignoreFocusOut: true,
    validateInput: validateDescription,
  });
  if (description === undefined || validateDescription(description) !== undefined) {
    return undefined;
  }
  return description.trim();
}

async function createToken(env: CommandEnv, description: string): Promise<string | undefined> {
  const result = await runWrite(
    env,
    vscode.l10n.t('Creating API token…'),
    (reason, error) => isAmbiguousFailure(error)
      ? vscode.l10n.t("Couldn't confirm the API token was created: {0} Nothing was written to .env; check the API Tokens view before trying again.", reason)
      : vscode.l10n.t("Couldn't create the API token: {0} Nothing was written to .env.", reason),
    () => viewsClient(env.account).createApiToken(description),
  );
  void env.apiTokens.refresh();
  if (!result.ok) {
    return undefined;
  }
  env.log.info('Created an API token for a .env file.');
  return result.value.token;
}

async function confirmReplace(env: CommandEnv, folder: vscode.WorkspaceFolder, keys: readonly string[]): Promise<boolean> {
  const replace = vscode.l10n.t('Replace');
  const answer = await env.ui.showWarningMessage(
    vscode.l10n.t("The .env file in '{0}' already sets {1} to a different value. Replace it?", messageText(folder.name), messageText(keys.join(vscode.l10n.t(' and ')))),
    { modal: true, detail: vscode.l10n.t('The value there now is lost. Other lines are kept.') },
    replace,
  );
  return answer === replace;
}

/** Resolves 'ok' when git ignores `.env` or the user writes anyway, 'add' to add it to .gitignore, 'cancel' on Escape. */
async function gitignoreCheck(env: CommandEnv, folder: vscode.WorkspaceFolder): Promise<'ok' | 'add' | 'cancel'> {
  const check = await checkIgnored(folder);
  if (check.ignored) {
    return 'ok';
  }
  const add = vscode.l10n.t('Add .env to .gitignore');
  const anyway = vscode.l10n.t('Write Anyway');
  const answer = await env.ui.showWarningMessage(
    vscode.l10n.t("Git does not ignore .env in '{0}': the token could be committed.", messageText(folder.name)),
    { modal: true, detail: vscode.l10n.t('Add .env to the .gitignore of this folder before writing?') },
    add,
    anyway,
  );
  return answer === add ? 'add' : answer === anyway ? 'ok' : 'cancel';
}

function checkIgnored(folder: vscode.WorkspaceFolder) {
  return isIgnored(ENV_FILE, {
    // Git runs only on a local folder the user trusts (a repository's config can run programs).
    folderPath: folder.uri.scheme === 'file' && vscode.workspace.isTrusted ? folder.uri.fsPath : undefined,
    run: runProgram,
    readGitignore: async () => {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.gitignore')));
      } catch {
        return undefined;
      }
    },
  });
}

async function addGitignoreEntry(env: CommandEnv, folder: vscode.WorkspaceFolder): Promise<void> {
  const existing = await readText(env, folder, '.gitignore');
  if (existing === undefined || !await writeText(env, folder, '.gitignore', withIgnoreEntry(existing.text, ENV_FILE), false)) {
    return;
  }
  env.log.info('Added .env to a folder\'s .gitignore.');
  if (!(await checkIgnored(folder)).ignored) {
    void env.ui.showWarningMessage(
      vscode.l10n.t("Git still does not ignore .env in '{0}'. If it is already tracked, untrack it with: git rm --cached .env", messageText(folder.name)),
      {},
    );
  }
}

/** The file's text ('' when it does not exist), or undefined after showing why it cannot be read. */
async function readText(env: CommandEnv, folder: vscode.WorkspaceFolder, name: FileName): Promise<{ text: string; exists: boolean } | undefined> {
  const uri = vscode.Uri.joinPath(folder.uri, name);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
      return { text: '', exists: false };
    }
    env.log.warn(`Reading ${name} failed: ${errorReason(error, vscode.l10n)}`);
    void env.ui.showErrorMessage(vscode.l10n.t("Couldn't read {0}, so nothing was written: {1}", name, errorReason(error, vscode.l10n)), {});
    return undefined;
  }
  if (bytes.byteLength > MAX_ENV_BYTES) {
    void env.ui.showErrorMessage(vscode.l10n.t('{0} is larger than 5 MB, so it was left alone.', name), {});
    return undefined;
  }
  try {
    // The byte order mark stays in the text, so it is written back.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), exists: true };
  } catch {
    void env.ui.showErrorMessage(vscode.l10n.t('{0} is not UTF-8 text, so it was left alone.', name), {});
    return undefined;
  }
}

async function writeText(env: CommandEnv, folder: vscode.WorkspaceFolder, name: FileName, text: string, created: boolean): Promise<boolean> {
  const uri = vscode.Uri.joinPath(folder.uri, name);
  try {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  } catch (error) {
    env.log.warn(`Writing ${name} failed: ${errorReason(error, vscode.l10n)}`);
    void env.ui.showErrorMessage(vscode.l10n.t("Couldn't write {0}: {1}", name, errorReason(error, vscode.l10n)), {});
    return false;
  }
  if (created && name === ENV_FILE && uri.scheme === 'file' && process.platform !== 'win32') {
    // A new file holding a token is readable by its owner only.
    await chmod(uri.fsPath, 0o600).catch(() => undefined);
  }
  return true;
}

function report(env: CommandEnv, folder: vscode.WorkspaceFolder, outcomes: Readonly<Record<string, KeyOutcome>>, duplicates: readonly string[], noWorkspace: boolean): void {
  const entries = Object.entries(outcomes);
  env.log.info(`.env: ${entries.map(([key, outcome]) => `${key} ${outcome}`).join(', ')}.`);
  const written = entries.filter(([, o]) => o === 'added' || o === 'updated').map(([k]) => k);
  const kept = entries.filter(([, o]) => o === 'conflict').map(([k]) => k);
  const and = vscode.l10n.t(' and ');
  const name = messageText(folder.name);
  let message = written.length > 0
    ? vscode.l10n.t("Wrote {0} to .env in '{1}'.", messageText(written.join(and)), name)
    : vscode.l10n.t("The .env file in '{0}' is already up to date.", name);
  if (kept.length > 0) {
    message += ' ' + vscode.l10n.t('{0} changed while you were asked, so it was left as it is.', messageText(kept.join(and)));
  }
  if (duplicates.length > 0) {
    message += ' ' + vscode.l10n.t('{0} is set more than once; the last one was updated.', messageText(duplicates.join(and)));
  }
  if (noWorkspace) {
    message += ' ' + vscode.l10n.t('No workspace is chosen, so MODBOX_WORKSPACE_ID was not written.');
  }
  // Every part is our text, with the folder name already neutralised; no length cap.
  void env.ui.showInformationMessage(messageText(message, Infinity), {});
}
