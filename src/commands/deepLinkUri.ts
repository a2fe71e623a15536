import { hasJwtShape, isApiToken, isSecretKey } from '../util/secretShapes';
import { isModboxId } from '../workspace/activeWorkspace';

/** `publisher.name` from package.json: the authority of every link to this extension. */
export const EXTENSION_ID = 'modbox.vscode-modbox';
export const OPEN_LINK_PATH = '/open';

export type OpenLink =
  | { readonly kind: 'open'; readonly workspaceId: string; readonly sandboxId?: string; readonly ignored: number }
  | { readonly kind: 'invalid'; readonly reason: 'noWorkspace' | 'badWorkspace' | 'badSandbox' | 'repeated' };

/** A parameter that carries, or looks like, a credential: such links are never followed for it, and it is never logged. */
function credentialLike(key: string, value: string): boolean {
  return isSecretKey(key) || hasJwtShape(value) || isApiToken(value) || /mbx_/i.test(value) || /^eyJ/.test(value);
}

/**
 * Reads `workspace=<id>[&sandbox=<id>]` from the query of an `/open` link.
 * Credential-like parameters are dropped (counted, not kept); other unknown
 * parameters are ignored; a repeated or malformed id refuses the whole link.
 */
export function parseOpenLink(query: string): OpenLink {
  let workspace: string | undefined;
  let sandbox: string | undefined;
  let ignored = 0;
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(query)) {
    if (key !== 'workspace' && key !== 'sandbox') {
      if (credentialLike(key, value)) {
        ignored++;
      }
      continue;
    }
    if (seen.has(key)) {
      return { kind: 'invalid', reason: 'repeated' };
    }
    seen.add(key);
    if (key === 'workspace') {
      workspace = value;
    } else {
      sandbox = value;
    }
  }
  if (workspace === undefined || workspace === '') {
    return { kind: 'invalid', reason: 'noWorkspace' };
  }
  if (!isModboxId(workspace)) {
    return { kind: 'invalid', reason: 'badWorkspace' };
  }
  if (sandbox !== undefined && !isModboxId(sandbox)) {
    return { kind: 'invalid', reason: 'badSandbox' };
  }
  return sandbox === undefined ? { kind: 'open', workspaceId: workspace, ignored } : { kind: 'open', workspaceId: workspace, sandboxId: sandbox, ignored };
}

/**
 * `<scheme>://modbox.vscode-modbox/open?workspace=<id>[&sandbox=<id>]`, with
 * the editor's own scheme (vscode, vscode-insiders, code-oss...). Ids only:
 * never a credential. Throws on an id that is not one.
 */
export function buildOpenLink(scheme: string, workspaceId: string, sandboxId?: string): string {
  if (!/^[a-z][a-z0-9+.-]*$/i.test(scheme)) {
    throw new Error('not a URI scheme');
  }
  if (!isModboxId(workspaceId) || (sandboxId !== undefined && !isModboxId(sandboxId))) {
    throw new Error('not a Modbox id');
  }
  const query = new URLSearchParams({ workspace: workspaceId, ...(sandboxId === undefined ? {} : { sandbox: sandboxId }) });
  return `${scheme}://${EXTENSION_ID}${OPEN_LINK_PATH}?${query.toString()}`;
}
