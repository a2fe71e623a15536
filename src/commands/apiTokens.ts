import * as vscode from 'vscode';
import { MAX_TOKEN_DESCRIPTION_LENGTH } from '../api/types';
import { messageText } from '../util/untrustedText';
import { accountKey } from '../views/accountKey';
import { maskPrefix, tokenLabel, tokenText, type TokenFields } from '../views/tokenText';
import { viewsClient } from '../views/viewsClient';
import { ensureSignedIn, isAmbiguousFailure, listForPicker, rowArgument, runWrite, type CommandEnv } from './env';

/** Why a description is refused, or undefined when it is fine (for the input box's live validation). */
export function validateDescription(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) {
    return vscode.l10n.t('Enter a description, so you can tell this token from others later.');
  }
  if (trimmed.length > MAX_TOKEN_DESCRIPTION_LENGTH) {
    return vscode.l10n.t('Use at most {0} characters (this is {1}).', MAX_TOKEN_DESCRIPTION_LENGTH, trimmed.length);
  }
  return undefined;
}

function defaultDescription(machineName: string): string {
  return `vscode-${machineName}`.slice(0, MAX_TOKEN_DESCRIPTION_LENGTH);
}

/**
 * Asks for a description, creates the token (once: a POST is never retried
 * automatically) and shows its value once, in a modal, with Copy buttons. The
 * value is never stored, logged, or shown again.
 */
export async function createApiToken(env: CommandEnv): Promise<void> {
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to create an API token.'))) {
    return;
  }
  const description = await env.ui.showInputBox({
    title: vscode.l10n.t('Create API Token'),
    prompt: vscode.l10n.t('What is this token for? Servers, CI jobs and scripts use API tokens to call Modbox.'),
    value: defaultDescription(env.machineName),
    ignoreFocusOut: true,
    validateInput: validateDescription,
  });
  if (description === undefined || validateDescription(description) !== undefined) {
    return;
  }
  const trimmed = description.trim();
  const result = await runWrite(
    env,
    vscode.l10n.t('Creating API token…'),
    (reason, error) => isAmbiguousFailure(error)
      ? vscode.l10n.t("Couldn't confirm the API token was created: {0} Check the API Tokens view before trying again.", reason)
      : vscode.l10n.t("Couldn't create the API token: {0}", reason),
    () => viewsClient(env.account).createApiToken(trimmed),
  );
  if (!result.ok) {
    if (isAmbiguousFailure(result.error)) {
      // The server may have created it after all: show the truth instead of inviting a duplicate.
      void env.apiTokens.refresh();
    }
    return;
  }
  const created = result.value;
  env.log.info('Created an API token.');
  // Reload behind the modal, so the new token is listed when it closes.
  void env.apiTokens.refresh();

  const copy = vscode.l10n.t('Copy');
  const copyEnv = vscode.l10n.t('Copy as MODBOX_API_TOKEN=…');
  const choice = await env.ui.showInformationMessage(
    vscode.l10n.t("API token '{0}' created", messageText(created.description || trimmed)),
    {
      modal: true,
      // The value is shown in full (never cut): it is what the Copy buttons copy.
      detail: vscode.l10n.t('{0}\n\nCopy it now: Modbox shows a token only once.', messageText(created.token, Infinity)),
    },
    copy,
    copyEnv,
  );
  if (choice === copy || choice === copyEnv) {
    await env.ui.writeClipboard(choice === copy ? created.token : `MODBOX_API_TOKEN=${created.token}`);
    void env.ui.showInformationMessage(vscode.l10n.t("Copied. Store it somewhere safe: it won't be shown again."), {});
  }
}

interface TokenPick extends vscode.QuickPickItem {
  token: TokenFields;
}

function tokenFromArgument(arg: unknown): TokenFields | undefined {
  return rowArgument<TokenFields>(arg, 'apiToken', 'token');
}

/** From the tree (the argument is the row) or the palette (asks which). Always confirms in a modal. */
export async function revokeApiToken(env: CommandEnv, arg?: unknown): Promise<void> {
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to revoke an API token.'))) {
    return;
  }
  const key = accountKey(env.account.apiUrl, env.account.session);
  let token = tokenFromArgument(arg);
  if (!token) {
    token = await pickToken(env);
    if (!token) {
      return;
    }
  }
  const label = messageText(tokenLabel(token, vscode.l10n));
  const revoke = vscode.l10n.t('Revoke');
  const confirmed = await env.ui.showWarningMessage(
    vscode.l10n.t("Revoke '{0}'? Anything using it stops working immediately.", label),
    { modal: true },
    revoke,
  );
  if (confirmed !== revoke) {
    return;
  }
  if (accountKey(env.account.apiUrl, env.account.session) !== key) {
    // The account changed while the dialog was open: this token is not the current account's.
    void env.ui.showInformationMessage(vscode.l10n.t('The Modbox account changed, so nothing was revoked.'), {});
    return;
  }
  const id = token.id;
  const result = await runWrite(
    env,
    vscode.l10n.t("Revoking '{0}'…", label),
    (reason) => vscode.l10n.t("Couldn't revoke '{0}': {1}", label, reason),
    () => viewsClient(env.account).revokeApiToken(id),
  );
  if (!result.ok) {
    return;
  }
  env.log.info(result.value && result.value.alreadyGone ? 'The API token was already revoked.' : 'Revoked an API token.');
  env.apiTokens.removeLocally(id);
  void env.apiTokens.refresh();
  await env.terminalTokenRevoked?.(id);
}

async function pickToken(env: CommandEnv): Promise<TokenFields | undefined> {
  const tokens = await listForPicker(env, env.apiTokens, 'apiTokens', vscode.l10n.t('You have no API tokens.'));
  if (!tokens) {
    return undefined;
  }
  const now = env.clock.now();
  const items = tokens.map((token): TokenPick => {
    const text = tokenText(token, now, vscode.l10n);
    return {
      label: messageText(text.label),
      description: messageText(maskPrefix(token.tokenPrefix) ?? ''),
      detail: text.description,
      token,
    };
  });
  const picked = await env.ui.showQuickPick(items, {
    title: vscode.l10n.t('Revoke API Token'),
    placeHolder: vscode.l10n.t('Which API token do you want to revoke?'),
    matchOnDescription: true,
  });
  return picked?.token;
}
