// The benchmark's result shape, shared by the suite inside VS Code (which
// measures) and the runner outside it (which adds sizes, prints, saves).

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** The first round: nothing of the bundle cached yet. */
  first: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) {
    return { median: NaN, min: NaN, max: NaN, first: NaN };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median, 3), min: round(sorted[0], 3), max: round(sorted[sorted.length - 1], 3), first: round(values[0], 3) };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export interface ExtensionActivation {
  id: string;
  bundle: string;
  requireMs: Spread;
  activateMs: Spread;
  totalMs: Spread;
  /** Modules that entered require.cache during require + activate (first round), relative to the extension. */
  modulesLoaded: string[];
  /** Registrations answered by the no-op stubs, by API (per round). */
  stubbedCalls: Record<string, number>;
  /** Context properties the extension read that the fake context does not provide. */
  missingContextProperties: string[];
  errors: string[];
}

export interface ActivationResult {
  method: string;
  rounds: number;
  modbox: ExtensionActivation;
  github: ExtensionActivation | undefined;
  /** modbox median total / github median total, unrounded (medians of the raw timings, not of the rounded spreads). */
  ratio: number | undefined;
  /** Median over rounds of modbox total / github total measured back to back in the same round (robust to load that varies over the run). */
  pairedRatio: number | undefined;
  /** modbox min total / github min total (the least disturbed rounds). */
  minRatio: number | undefined;
  /** dist/transport.js (undici) or any other undici module in require.cache after our activate(). */
  undiciLoaded: boolean;
  /** The undici modules found, if any. */
  undiciModules: string[];
  /** Requests the emulator saw during all signed-out activations (fake context rounds and the real one). */
  networkRequests: number;
  /** The real activation through vscode.extensions...activate(), host overhead included; informational. */
  realActivationMs: number | undefined;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
}

export interface SidebarResult {
  requests: RequestRecord[];
  expected: string[];
  /** From the command until both lists were answered. */
  msUntilBothAnswered: number;
  /** Requests when the sidebar is opened again later (data already loaded). */
  reopenRequests: RequestRecord[];
}

export interface RefreshResult {
  callers: number;
  refreshCalls: number;
  refreshReuse: number;
  distinctTokens: number;
  gotFreshToken: boolean;
  ms: number;
  /** The POST /auth/refresh itself, as the emulator timed it. */
  refreshRequestMs: number | undefined;
  /** One SecretStorage round trip in this host (median of a few), for context: the refresh reads and writes it several times. */
  secretsGetMs: number;
  secretsStoreMs: number;
}

export interface TreeBuild {
  /** How many the account has (seeded in the emulator). */
  seeded: number;
  /** Data rows the tree shows. */
  items: number;
  /** refresh() alone: request, parse, sort. */
  fetchMs: Spread;
  /** getChildren() and getTreeItem() for every row. */
  renderMs: Spread;
  /** refresh() until every row has its TreeItem. */
  totalMs: Spread;
  /** heapUsed after minus before (after GC both times), with the provider and its TreeItems still held. */
  heapGrowthBytes: Spread;
}

export interface TreesResult {
  seed: { workspaces: number; tokens: number };
  rounds: number;
  gc: string;
  workspaces: TreeBuild;
  apiTokens: TreeBuild;
}

export interface SandboxesResult {
  /** Building the Sandboxes tree for one workspace with this many sandboxes. */
  tree: TreeBuild;
  /** The Sandboxes view hidden while sandboxes provision and the workspace switches: what was asked meanwhile. */
  hidden: { ms: number; provisioning: number; workspaceSwitches: number; requests: RequestRecord[] };
  /** One sandbox provisioning for `provisionMs` with the view open: what the view asked until it showed it running, and after. */
  provisioning: { provisionMs: number; msUntilShownRunning: number; requests: RequestRecord[]; listRequests: number; requestsAfterRunning: number };
}

/** What the suite inside VS Code writes. */
export interface SuiteResult {
  vscodeVersion: string;
  appHost: string;
  uiKind: string;
  nodeVersion: string;
  activation?: ActivationResult;
  sidebar?: SidebarResult;
  refresh?: RefreshResult;
  trees?: TreesResult;
  sandboxes?: SandboxesResult;
  errors: { section: string; error: string }[];
}

export interface FileSize {
  file: string;
  bytes: number;
}

export interface SizesResult {
  dist: FileSize[];
  vsix: { bytes: number; files: string[] } | { error: string };
  githubAuthentication: FileSize[];
  microsoftAuthentication: FileSize[];
}

export interface Target {
  name: string;
  target: string;
  actual: string;
  /** Judged on unrounded numbers from this one run. */
  pass: boolean;
}

export interface BenchResult extends SuiteResult {
  schema: 1;
  date: string;
  gitSha: string;
  /** Uncommitted changes under src/ when measured. */
  srcDirty: boolean;
  /** loadAverage: 1-minute load average before and after the run; other processes share the CPUs. */
  machine: { cpu: string; cpus: number; platform: string; loadAverage: [number, number] };
  sizes: SizesResult;
  targets: Target[];
}
