// Targets and the printed table, from a finished result (pure).
import type { BenchResult, Spread, Target } from './results';

const MAIN_BUNDLE_LIMIT = 100_000;
const TOKENS_TREE_LIMIT_MS = 100;
const SANDBOXES_TREE_LIMIT_MS = 50;
/** The view's backoff (2, 4, 8, 16, 30 s) lists a handful of times in 30 s; more would be polling too hard. */
const PROVISIONING_LIST_LIMIT = 10;

export function targets(r: Omit<BenchResult, 'targets'>): Target[] {
  const out: Target[] = [];
  const a = r.activation;
  out.push({
    name: "activation median at most half of GitHub's",
    target: 'ratio <= 0.5',
    actual: a?.ratio !== undefined && a.github
      ? `${a.modbox.totalMs.median} ms vs ${a.github.totalMs.median} ms (ratio of medians ${a.ratio.toFixed(4)}, ${a.rounds} rounds)`
      : 'not measured',
    pass: a?.ratio !== undefined && a.ratio <= 0.5,
  });
  out.push({
    name: 'activation loads no undici and makes no request (signed out)',
    target: 'undici not loaded, 0 requests',
    actual: a ? `undici ${a.undiciLoaded ? 'LOADED' : 'not loaded'}, ${a.networkRequests} request(s)` : 'not measured',
    pass: !!a && !a.undiciLoaded && a.networkRequests === 0,
  });
  const main = r.sizes.dist.find((f) => f.file === 'dist/extension.js');
  out.push({
    name: 'main bundle dist/extension.js under 100 KB',
    target: `< ${MAIN_BUNDLE_LIMIT.toLocaleString('en-US')} bytes`,
    actual: main ? `${main.bytes.toLocaleString('en-US')} bytes` : 'missing',
    pass: !!main && main.bytes < MAIN_BUNDLE_LIMIT,
  });
  const s = r.sidebar;
  const seen = s ? s.requests.map((q) => `${q.method} ${q.path}`) : [];
  out.push({
    name: 'opening the sidebar signed in costs exactly the requests it needs; reopening it costs none',
    target: `${s ? s.expected.join(' + ') : 'GET /workspaces + GET /api-tokens/'}, then 0`,
    actual: s ? `${seen.length}: ${seen.join(', ') || 'none'}; reopening: ${s.reopenRequests.length}` : 'not measured',
    pass: !!s && seen.length === s.expected.length && s.expected.every((e) => seen.includes(e)) && s.reopenRequests.length === 0,
  });
  const f = r.refresh;
  out.push({
    name: `${f?.callers ?? 50} concurrent session requests on an expired token refresh once`,
    target: '1 refresh, everyone gets the new token',
    actual: f ? `${f.refreshCalls} refresh(es), ${f.distinctTokens} distinct token(s)${f.gotFreshToken ? '' : ', STALE token handed out'}` : 'not measured',
    pass: !!f && f.refreshCalls === 1 && f.distinctTokens === 1 && f.gotFreshToken,
  });
  const w = r.trees?.workspaces;
  out.push({
    name: `workspaces tree for ${r.trees?.seed.workspaces.toLocaleString('en-US') ?? '1,000'} workspaces shows every one`,
    target: 'every workspace a row',
    actual: w ? `${n(w.items)} of ${n(w.seeded)}` : 'not measured',
    pass: !!w && w.items === w.seeded,
  });
  const t = r.trees?.apiTokens;
  out.push({
    name: `API tokens tree build for ${r.trees?.seed.tokens.toLocaleString('en-US') ?? '5,000'} tokens under ${TOKENS_TREE_LIMIT_MS} ms`,
    target: `median < ${TOKENS_TREE_LIMIT_MS} ms (refresh until every TreeItem)`,
    actual: t ? `${t.totalMs.median} ms${t.items < t.seeded ? ` but the tree shows only ${n(t.items)} of ${n(t.seeded)} tokens` : ''}` : 'not measured',
    pass: !!t && t.items === t.seeded && t.totalMs.median < TOKENS_TREE_LIMIT_MS,
  });
  const sb = r.sandboxes;
  out.push({
    name: `Sandboxes tree build for ${sb ? n(sb.tree.seeded) : '1,000'} sandboxes under ${SANDBOXES_TREE_LIMIT_MS} ms`,
    // The issue's target is the build: the provider turning the loaded list into every TreeItem. The fetch (the
    // emulator's HTTP answer, which dominates on a loaded machine) is reported beside it, not judged.
    target: `median < ${SANDBOXES_TREE_LIMIT_MS} ms (loaded list to every TreeItem; fetch reported apart), every sandbox a row`,
    actual: sb
      ? `build ${sb.tree.renderMs.median} ms (fetch ${sb.tree.fetchMs.median} ms, total ${sb.tree.totalMs.median} ms), ${n(sb.tree.items)} of ${n(sb.tree.seeded)} rows`
      : 'not measured',
    pass: !!sb && sb.tree.items === sb.tree.seeded && sb.tree.renderMs.median < SANDBOXES_TREE_LIMIT_MS,
  });
  out.push({
    name: 'no request while the Sandboxes view is hidden (sandboxes provisioning, workspace switched twice)',
    target: '0 requests',
    actual: sb ? `${sb.hidden.requests.length} request(s) in ${(sb.hidden.ms / 1000).toFixed(1)} s${sb.hidden.requests.length ? `: ${sb.hidden.requests.map((q) => `${q.method} ${q.path}`).join(', ')}` : ''}` : 'not measured',
    pass: !!sb && sb.hidden.requests.length === 0,
  });
  out.push({
    name: `requests while one sandbox provisions for ${sb ? sb.provisioning.provisionMs / 1000 : 30} s with the view open`,
    target: `at most ${PROVISIONING_LIST_LIMIT} list requests, none once it shows running`,
    actual: sb
      ? `${sb.provisioning.requests.length} request(s), ${sb.provisioning.listRequests} GET /sandboxes; shown running after ${(sb.provisioning.msUntilShownRunning / 1000).toFixed(1)} s; ${sb.provisioning.requestsAfterRunning} after`
      : 'not measured',
    pass: !!sb && sb.provisioning.listRequests <= PROVISIONING_LIST_LIMIT && sb.provisioning.requestsAfterRunning === 0,
  });
  return out;
}

const n = (v: number): string => v.toLocaleString('en-US');
const pad = (s: string, w: number): string => s.padEnd(w);
const lpad = (s: string, w: number): string => s.padStart(w);
const ms = (x: Spread): string => `${x.median.toFixed(2)} [${x.min.toFixed(2)}-${x.max.toFixed(2)}]`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

export function formatTable(r: BenchResult): string {
  const lines: string[] = [];
  lines.push(`Modbox benchmark: VS Code ${r.vscodeVersion} (${r.appHost}, ${r.uiKind}), Node ${r.nodeVersion}, ${r.machine.cpu} x${r.machine.cpus}`);
  lines.push(`git ${r.gitSha}${r.srcDirty ? ' (src/ has uncommitted changes)' : ''}, ${r.date}; 1-min load average ${r.machine.loadAverage[0]} before, ${r.machine.loadAverage[1]} after (shared machine: timings are noisy)`);
  lines.push('');

  const a = r.activation;
  if (a) {
    lines.push(`1. Activation, ${a.rounds} rounds each, same extension host (ms: median [min-max]; first = cold round)`);
    lines.push(`   ${pad('', 30)}${lpad('require', 22)}${lpad('activate()', 22)}${lpad('total', 22)}${lpad('first', 9)}`);
    for (const e of [a.modbox, a.github]) {
      if (e) {
        lines.push(`   ${pad(e.id, 30)}${lpad(ms(e.requireMs), 22)}${lpad(ms(e.activateMs), 22)}${lpad(ms(e.totalMs), 22)}${lpad(e.totalMs.first.toFixed(2), 9)}`);
      }
    }
    if (!a.github) {
      lines.push('   vscode.github-authentication: not found in this host');
    }
    lines.push(`   ratio modbox/github: of medians ${a.ratio?.toFixed(4) ?? 'n/a'}; median of per-round pairs ${a.pairedRatio ?? 'n/a'}; of minimums ${a.minRatio ?? 'n/a'}`);
    lines.push(`   modules loaded by modbox's require + activate: ${a.modbox.modulesLoaded.join(', ') || 'none'}`);
    lines.push(`   undici (dist/transport.js) loaded by activation: ${a.undiciLoaded ? `YES (${a.undiciModules.join(', ')})` : 'no'}`);
    lines.push(`   requests to the API while activating signed out: ${a.networkRequests}`);
    if (a.realActivationMs !== undefined) {
      lines.push(`   real activation through VS Code (host overhead included, once): ${a.realActivationMs.toFixed(2)} ms`);
    }
    lines.push('   method: fresh require + activate(fake context), registrations stubbed for both; see activation.method in the JSON');
    lines.push('');
  }

  lines.push('2. Sizes (release build)');
  const size = (label: string, bytes: number): string => `   ${pad(label, 58)}${lpad(n(bytes), 11)} B ${lpad(kb(bytes), 12)}`;
  for (const f of r.sizes.dist) {
    lines.push(size(`modbox ${f.file}`, f.bytes));
  }
  if ('bytes' in r.sizes.vsix) {
    lines.push(size(`modbox .vsix (${r.sizes.vsix.files.length} files)`, r.sizes.vsix.bytes));
  } else {
    lines.push(`   modbox .vsix: ${r.sizes.vsix.error}`);
  }
  for (const f of r.sizes.githubAuthentication) {
    lines.push(size(`built-in github-authentication ${f.file}`, f.bytes));
  }
  for (const f of r.sizes.microsoftAuthentication) {
    lines.push(size(`built-in microsoft-authentication ${f.file}`, f.bytes));
  }
  lines.push('');

  const s = r.sidebar;
  if (s) {
    const list = (q: { method: string; path: string; status: number }[]): string => q.map((x) => `${x.method} ${x.path} ${x.status}`).join(', ') || 'none';
    lines.push(`3. Opening the sidebar signed in: ${s.requests.length} request(s): ${list(s.requests)}`);
    lines.push(`   both lists answered ${s.msUntilBothAnswered} ms after the command; opening it again later: ${s.reopenRequests.length} request(s)`);
    lines.push('');
  }
  const f = r.refresh;
  if (f) {
    lines.push(`4. ${f.callers} concurrent freshSession() calls on an expired token: ${f.refreshCalls} refresh call(s), ${f.refreshReuse} reuse, ${f.distinctTokens} distinct token(s), all answered in ${f.ms.toFixed(1)} ms`);
    lines.push(`   of which POST /auth/refresh took ${f.refreshRequestMs ?? '?'} ms at the server; one SecretStorage store/get here: ${f.secretsStoreMs.toFixed(1)} / ${f.secretsGetMs.toFixed(1)} ms`);
    lines.push('');
  }
  const t = r.trees;
  if (t) {
    lines.push(`5. Trees: ${n(t.seed.workspaces)} workspaces, ${n(t.seed.tokens)} tokens; ${t.rounds} rounds (ms: median [min-max])`);
    lines.push(`   ${pad('', 12)}${lpad('shown', 14)}${lpad('fetch (refresh)', 24)}${lpad('render (all TreeItems)', 24)}${lpad('total', 24)}${lpad('heap growth', 14)}`);
    for (const [label, b] of [['workspaces', t.workspaces], ['API tokens', t.apiTokens]] as const) {
      lines.push(`   ${pad(label, 12)}${lpad(`${n(b.items)}/${n(b.seeded)}`, 14)}${lpad(ms(b.fetchMs), 24)}${lpad(ms(b.renderMs), 24)}${lpad(ms(b.totalMs), 24)}${lpad(kb(b.heapGrowthBytes.median), 14)}`);
    }
    lines.push(`   heap: ${t.gc}`);
    for (const [label, b] of [['workspaces', t.workspaces], ['API tokens', t.apiTokens]] as const) {
      if (b.items < b.seeded) {
        lines.push(`   NOTE: the ${label} tree shows ${n(b.items)} of ${n(b.seeded)}: the response parser keeps the first ${n(b.items)} list items`);
      }
    }
    lines.push('');
  }

  const sb = r.sandboxes;
  if (sb) {
    const b = sb.tree;
    const list = (q: { method: string; path: string; status: number }[]): string => q.map((x) => `${x.method} ${x.path} ${x.status}`).join(', ') || 'none';
    lines.push(`6. Sandboxes view (ms: median [min-max])`);
    lines.push(`   tree for ${n(b.seeded)} sandboxes: shown ${n(b.items)}; fetch (refresh) ${ms(b.fetchMs)}; build (all TreeItems) ${ms(b.renderMs)}; total ${ms(b.totalMs)}; heap growth ${kb(b.heapGrowthBytes.median)}`);
    lines.push(`   hidden for ${(sb.hidden.ms / 1000).toFixed(1)} s with ${sb.hidden.provisioning} sandboxes provisioning and ${sb.hidden.workspaceSwitches} workspace switches: ${sb.hidden.requests.length} request(s): ${list(sb.hidden.requests)}`);
    const p = sb.provisioning;
    lines.push(`   one sandbox provisioning for ${p.provisionMs / 1000} s, view open: ${p.requests.length} request(s) (${p.listRequests} GET /sandboxes), shown running after ${(p.msUntilShownRunning / 1000).toFixed(1)} s, ${p.requestsAfterRunning} after: ${list(p.requests)}`);
    lines.push('');
  }

  lines.push('Targets');
  for (const x of r.targets) {
    lines.push(`   [${x.pass ? 'PASS' : 'MISS'}] ${x.name}: ${x.actual} (target: ${x.target})`);
  }
  const missed = r.targets.filter((x) => !x.pass).length;
  lines.push(`   ${r.targets.length - missed}/${r.targets.length} targets met${missed ? `, ${missed} MISSED` : ''}`);
  if (r.errors.length) {
    lines.push('');
    lines.push('Errors');
    for (const e of r.errors) {
      lines.push(`   ${e.section}: ${e.error}`);
    }
  }
  return lines.join('\n');
}
