/**
 * How the browser hands the sign-in back to the editor, chosen from the
 * environment as data so the whole table can be tested.
 *
 * - uriHandler: the browser opens `<uriScheme>://modbox.vscode-modbox/auth-callback#...`.
 *   Needs a desktop whose OS knows the scheme (often missing on Linux: snap,
 *   flatpak, tarball installs).
 * - loopbackRelay: the browser lands on a one-shot page served from
 *   127.0.0.1 inside the extension host, reached through `asExternalUri`.
 *   Web and remote hosts rebuild `vscode://` callbacks from the query only
 *   and drop the fragment that carries the tokens, so this goes first there.
 * - paste: the user copies the address the browser ends on. Always possible.
 */
export type FlowKind = 'uriHandler' | 'loopbackRelay' | 'paste';

export type HostKind = 'desktop' | 'desktopLinux' | 'desktopRemote' | 'web';

export interface FlowEnv {
  uiKind: 'desktop' | 'web';
  /** `vscode.env.remoteName`: set for SSH, WSL, containers, tunnels, Codespaces. */
  remoteName?: string;
  uriScheme: string;
  platform: NodeJS.Platform;
  preferred?: FlowKind;
}

export interface FlowRow {
  /** In order of preference; the first one is started, the others are offered. */
  flows: readonly FlowKind[];
  /** Show "Paste the address" as a button in the progress UI, not behind a menu. */
  pasteProminent: boolean;
}

export const FLOW_TABLE: Readonly<Record<HostKind, FlowRow>> = {
  desktop: { flows: ['uriHandler', 'loopbackRelay', 'paste'], pasteProminent: false },
  desktopLinux: { flows: ['uriHandler', 'loopbackRelay', 'paste'], pasteProminent: true },
  desktopRemote: { flows: ['loopbackRelay', 'uriHandler', 'paste'], pasteProminent: true },
  // The URI handler stays as a last resort on the web: it works with a server
  // that answers in the query, which the host's callback page keeps.
  web: { flows: ['loopbackRelay', 'uriHandler', 'paste'], pasteProminent: true },
};

/** A scheme the OS could route back to us; anything odd and the URI handler is not offered. */
const URI_SCHEME = /^[a-z][a-z0-9+.-]{0,63}$/;

export function hostKind(env: FlowEnv): HostKind {
  if (env.uiKind === 'web') {
    return 'web';
  }
  if (env.remoteName) {
    return 'desktopRemote';
  }
  return env.platform === 'linux' ? 'desktopLinux' : 'desktop';
}

export function chooseFlows(env: FlowEnv): FlowKind[] {
  let flows = [...FLOW_TABLE[hostKind(env)].flows];
  if (!URI_SCHEME.test(env.uriScheme)) {
    flows = flows.filter((f) => f !== 'uriHandler');
  }
  if (env.preferred && flows.includes(env.preferred)) {
    flows = [env.preferred, ...flows.filter((f) => f !== env.preferred)];
  }
  return flows;
}

export function isPasteProminent(env: FlowEnv): boolean {
  return FLOW_TABLE[hostKind(env)].pasteProminent;
}
