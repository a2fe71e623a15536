import { normalizeApiUrl } from '../api/apiUrl';
import { MAX_TOKEN_DESCRIPTION_LENGTH } from '../api/types';
import { withoutControlChars } from '../util/untrustedText';

/** What the Modbox SDKs and CLI read. */
export const TERMINAL_VARIABLES = {
  token: 'MODBOX_API_TOKEN',
  workspace: 'MODBOX_WORKSPACE_ID',
  apiUrl: 'MODBOX_API_URL',
} as const;

export const DEFAULT_API_URL = 'https://api.modbox.run';

/** Marks the terminal token in the API tokens list, on every machine. */
export const TERMINAL_TOKEN_DESCRIPTION_PREFIX = 'VS Code terminal – ';

/** "VS Code terminal – <host name>", within the server's limit; a host name with no printable text becomes "this computer". */
export function terminalTokenDescription(hostName: string): string {
  const host = withoutControlChars(hostName).trim() || 'this computer';
  return `${TERMINAL_TOKEN_DESCRIPTION_PREFIX}${host}`.slice(0, MAX_TOKEN_DESCRIPTION_LENGTH);
}

/**
 * The variables a signed-in terminal gets. `MODBOX_API_URL` only when the
 * API URL is not the default, so the SDKs' own default keeps working;
 * `MODBOX_WORKSPACE_ID` only when a workspace is chosen.
 */
export function terminalVariables(input: { token: string; workspaceId?: string; apiUrl: string }): Record<string, string> {
  const vars: Record<string, string> = { [TERMINAL_VARIABLES.token]: input.token };
  if (input.workspaceId) {
    vars[TERMINAL_VARIABLES.workspace] = input.workspaceId;
  }
  if (normalizeApiUrl(input.apiUrl) !== normalizeApiUrl(DEFAULT_API_URL)) {
    vars[TERMINAL_VARIABLES.apiUrl] = input.apiUrl;
  }
  return vars;
}
