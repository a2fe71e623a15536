/**
 * The ways the browser can hand a sign-in back to the editor. Each flow
 * declares where it can work; each host kind lists the flows in the order to
 * try them. The caller runs them in that order and moves to the next one only
 * when a flow finds it cannot work here (`FlowUnavailable`), the way VS Code's
 * GitHub sign-in falls back from one flow to the next. A cancel or a timeout
 * ends the sign-in instead.
 *
 * - uriHandler: the browser opens `<uriScheme>://modbox.vscode-modbox/auth-callback#...`.
 *   Needs a desktop whose OS knows the scheme (often missing on Linux: snap,
 *   flatpak, tarball installs).
 * - loopbackRelay: the browser lands on a one-shot page served from
 *   127.0.0.1 inside the extension host, reached through `asExternalUri`.
 *   Web and remote hosts rebuild `vscode://` callbacks from the query only
 *   and drop the fragment that carries the tokens, so this goes first there.
 * - paste: the user copies the address the browser ends on, and pastes it.
 *   Works anywhere, even where no browser opens: then the user copies the
 *   sign-in link and opens it elsewhere.
 */
export type FlowKind = 'uriHandler' | 'loopbackRelay' | 'paste';

export type HostKind = 'desktop' | 'desktopLinux' | 'desktopRemote' | 'web';

/** A host kind, or the situation where the browser could not be opened. */
export type FlowWhere = HostKind | 'noBrowser';

export interface FlowSpec {
  /** Where this flow can work at all. */
  worksOn: readonly FlowWhere[];
  /** Where the browser is sent back to: the extension's URI handler, or a relay started for this sign-in. */
  returnsVia: 'uriHandler' | 'relay';
  /** Ask for the pasted address at once rather than offer it. */
  pasteAtOnce: boolean;
}

const EVERY_HOST: readonly HostKind[] = ['desktop', 'desktopLinux', 'desktopRemote', 'web'];

export const FLOWS: Readonly<Record<FlowKind, FlowSpec>> = {
  uriHandler: { worksOn: EVERY_HOST, returnsVia: 'uriHandler', pasteAtOnce: false },
  loopbackRelay: { worksOn: EVERY_HOST, returnsVia: 'relay', pasteAtOnce: false },
  paste: { worksOn: [...EVERY_HOST, 'noBrowser'], returnsVia: 'uriHandler', pasteAtOnce: true },
};

/** In order of preference per host kind; the first one that can work is used. */
export const FLOW_ORDER: Readonly<Record<HostKind, readonly FlowKind[]>> = {
  desktop: ['uriHandler', 'loopbackRelay', 'paste'],
  desktopLinux: ['uriHandler', 'loopbackRelay', 'paste'],
  desktopRemote: ['loopbackRelay', 'uriHandler', 'paste'],
  // The URI handler stays as a last resort on the web: it works with a server
  // that answers in the query, which the host's callback page keeps.
  web: ['loopbackRelay', 'uriHandler', 'paste'],
};

export interface FlowEnv {
  uiKind: 'desktop' | 'web';
  /** `vscode.env.remoteName`: set for SSH, WSL, containers, tunnels, Codespaces. */
  remoteName?: string;
  uriScheme: string;
  platform: NodeJS.Platform;
  preferred?: FlowKind;
}

/** A flow found it cannot work here (nothing was shown to the user yet): try the next one. */
export class FlowUnavailable extends Error {
  /** True when the browser could not be opened, so only flows that work without one remain. */
  constructor(message: string, readonly noBrowser = false) {
    super(message);
    this.name = 'FlowUnavailable';
  }
}

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
  const host = hostKind(env);
  let flows = FLOW_ORDER[host].filter((f) => FLOWS[f].worksOn.includes(host));
  if (!URI_SCHEME.test(env.uriScheme)) {
    flows = flows.filter((f) => FLOWS[f].returnsVia !== 'uriHandler' || f === 'paste');
  }
  if (env.preferred && flows.includes(env.preferred)) {
    flows = [env.preferred, ...flows.filter((f) => f !== env.preferred)];
  }
  return flows;
}

/**
 * Runs the flows in order until one finishes. `FlowUnavailable` moves on to
 * the next flow that can work (without a browser, if that was the problem);
 * any other outcome, a cancel or a timeout included, is the sign-in's.
 */
export async function runFlows<T>(
  flows: readonly FlowKind[],
  run: (flow: FlowKind, isLast: boolean) => Promise<T>,
  onFallback: (flow: FlowKind, reason: string) => void,
): Promise<T> {
  let remaining = [...flows];
  for (;;) {
    const flow = remaining.shift();
    if (!flow) {
      throw new Error('No way to sign in works here.');
    }
    try {
      return await run(flow, remaining.length === 0);
    } catch (err) {
      if (!(err instanceof FlowUnavailable)) {
        throw err;
      }
      onFallback(flow, err.message);
      if (err.noBrowser) {
        remaining = remaining.filter((f) => FLOWS[f].worksOn.includes('noBrowser'));
      }
    }
  }
}
