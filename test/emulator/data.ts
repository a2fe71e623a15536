/**
 * The emulator's database: users, workspaces, members, API tokens and
 * sandboxes, plus the deterministic seeds tests rely on (fixed ids, names, dates).
 */
import { createHash, randomBytes } from 'node:crypto';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';
export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];

export interface User {
  id: string;
  email: string;
  name: string;
  preferredUsername: string;
  password: string;
}

export interface Workspace {
  id: string;
  name: string;
  description: string | null;
  realm: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface Member {
  id: string;
  workspaceId: string;
  userId: string;
  role: Role;
  addedBy: string;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  userId: string;
  description: string;
  value: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export type SandboxState = 'provisioning' | 'running' | 'failed' | 'destroyed';
export const SANDBOX_STATES: readonly SandboxState[] = ['provisioning', 'running', 'failed', 'destroyed'];

export interface Sandbox {
  id: string;
  taskId: string;
  workspaceId: string;
  name: string;
  image: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  destroyedAt: string | null;
  /** Epoch ms (emulator clock) at which provisioning ends. */
  readyAt: number;
  /** What provisioning ends as. */
  outcome: 'running' | 'failed';
  /** Set by the control API: overrides the lifecycle (until destroyed). */
  forcedStatus?: 'provisioning' | 'running' | 'failed';
  envVars: Record<string, string>;
  ttlSeconds: number | null;
}

export interface SandboxImage {
  id: string;
  /** null: a global default present in every workspace. */
  workspaceId: string | null;
  name: string;
  image: string;
  tag: string;
  description: string | null;
  enabled: boolean;
  /** The workspace's own default (globals: modbox/code-exec, unless the workspace has one). */
  isDefault: boolean;
  memoryMb: number;
  readinessPort: number | null;
  registryId: string | null;
  ttlSeconds: number | null;
  createdAt: string;
}

/** The lifecycle as of `now` (emulator clock). */
export function sandboxState(s: Sandbox, now: number): SandboxState {
  if (s.destroyedAt) return 'destroyed';
  if (s.forcedStatus) return s.forcedStatus;
  return now < s.readyAt ? 'provisioning' : s.outcome;
}

export type SeedOption = 'default' | 'hostile' | { workspaces: number; tokens: number };

export const SEED_PASSWORD = 'modbox-dev';
export const REALM = 'modbox';

const PREFIX = { user: '0a000000', workspace: '0b000000', member: '0c000000', token: '0d000000', sandbox: '0e000000', image: '0f000000' };

/** Deterministic, valid-looking v4 UUIDs whose first group names the kind of object. */
export function seededId(kind: keyof typeof PREFIX, n: number): string {
  return `${PREFIX[kind]}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function randomUuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function newApiTokenValue(): string {
  return `mbx_${randomBytes(30).toString('base64url')}`;
}

/** Seeded token values are derived from a fixed string so that runs are repeatable. */
function seededTokenValue(n: number): string {
  return `mbx_${createHash('sha256').update(`modbox-emulator-seed-token-${n}`).digest('base64url').slice(0, 40)}`;
}

/** Fixed dates for seeded rows: 2025-01-15 09:00 UTC plus whole minutes. */
function seededDate(minutes: number): string {
  return new Date(Date.UTC(2025, 0, 15, 9, 0, 0) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

export class Store {
  readonly users = new Map<string, User>();
  readonly workspaces = new Map<string, Workspace>();
  /** Members by workspace id, in insertion order. */
  readonly members = new Map<string, Member[]>();
  readonly tokens = new Map<string, ApiToken>();
  readonly tokensByValue = new Map<string, ApiToken>();
  readonly sandboxes = new Map<string, Sandbox>();
  readonly images = new Map<string, SandboxImage>();

  userByEmail(email: string): User | undefined {
    const wanted = email.trim().toLowerCase();
    for (const user of this.users.values()) {
      if (user.email.toLowerCase() === wanted) {
        return user;
      }
    }
    return undefined;
  }

  addUser(user: User): User {
    this.users.set(user.id, user);
    return user;
  }

  addWorkspace(ws: Workspace): Workspace {
    this.workspaces.set(ws.id, ws);
    this.members.set(ws.id, []);
    return ws;
  }

  addMember(m: Member): Member {
    const list = this.members.get(m.workspaceId);
    if (!list) {
      throw new Error('no such workspace');
    }
    list.push(m);
    return m;
  }

  membership(workspaceId: string, userId: string): Member | undefined {
    return this.members.get(workspaceId)?.find((m) => m.userId === userId);
  }

  workspacesOf(userId: string): Array<{ workspace: Workspace; member: Member }> {
    const out: Array<{ workspace: Workspace; member: Member }> = [];
    for (const [wsId, list] of this.members) {
      const member = list.find((m) => m.userId === userId);
      const workspace = this.workspaces.get(wsId);
      if (member && workspace) {
        out.push({ workspace, member });
      }
    }
    return out;
  }

  addToken(t: ApiToken): ApiToken {
    this.tokens.set(t.id, t);
    this.tokensByValue.set(t.value, t);
    return t;
  }

  removeToken(t: ApiToken): void {
    this.tokens.delete(t.id);
    this.tokensByValue.delete(t.value);
  }

  tokensOf(userId: string): ApiToken[] {
    return [...this.tokens.values()].filter((t) => t.userId === userId);
  }

  /** Creates a user on first sign-in, with the default workspace every user gets. */
  ensureUser(email: string, now: string): User {
    const existing = this.userByEmail(email);
    if (existing) {
      return existing;
    }
    const local = email.split('@')[0] || 'user';
    const user = this.addUser({ id: randomUuid(), email, name: local, preferredUsername: local, password: SEED_PASSWORD });
    const ws = this.addWorkspace({
      id: randomUuid(), name: 'Personal', description: null, realm: REALM, createdAt: now, createdBy: user.id, updatedAt: now,
    });
    this.addMember({ id: randomUuid(), workspaceId: ws.id, userId: user.id, role: 'owner', addedBy: user.id, createdAt: now });
    return user;
  }
}

export const ADA_EMAIL = 'ada@example.com';

/** Names a hostile server might return: markup, control characters, bidi overrides, prototype keys, very long text. */
export const HOSTILE_NAMES: readonly string[] = [
  '<img src=x onerror=alert(1)><b>bold</b>',
  'tab\there\nnew line\r\u0000nul\u001b[31mred\u001b[0m',
  '\u202Egnp.exe\u202C (bidi override)',
  '__proto__',
  '$(alert) [click me](command:workbench.action.quit) **md**',
  'x'.repeat(10_000),
  '   ',
  '\u{1F600} emoji \u0301 combining',
];

export function buildStore(seed: SeedOption = 'default'): Store {
  const s = new Store();
  const users: Array<[string, string, string]> = [
    [ADA_EMAIL, 'Ada Lovelace', 'ada'],
    ['charles@example.com', 'Charles Babbage', 'charles'],
    ['grace@example.com', 'Grace Hopper', 'grace'],
    ['alan@example.com', 'Alan Turing', 'alan'],
    ['katherine@example.com', 'Katherine Johnson', 'katherine'],
  ];
  const [ada, charles, grace, alan] = users.map(([email, name, preferredUsername], i) =>
    s.addUser({ id: seededId('user', i + 1), email, name, preferredUsername, password: SEED_PASSWORD }));

  let memberN = 0;
  const member = (workspaceId: string, user: User, role: Role, addedBy: User, minutes: number): void => {
    s.addMember({ id: seededId('member', ++memberN), workspaceId, userId: user.id, role, addedBy: addedBy.id, createdAt: seededDate(minutes) });
  };
  const workspace = (n: number, name: string, description: string | null, createdBy: User, minutes: number): string =>
    s.addWorkspace({
      id: seededId('workspace', n), name, description, realm: REALM,
      createdAt: seededDate(minutes), createdBy: createdBy.id, updatedAt: seededDate(minutes + 60),
    }).id;

  const personal = workspace(1, 'Personal', "Ada's default workspace", ada, 0);
  member(personal, ada, 'owner', ada, 0);
  const engines = workspace(2, 'Analytical Engines', 'Difference and analytical engine designs', charles, 10);
  member(engines, charles, 'owner', charles, 10);
  member(engines, ada, 'admin', charles, 11);
  member(engines, grace, 'member', ada, 12);
  member(engines, alan, 'viewer', ada, 13);
  const labs = workspace(3, 'Babbage Labs', null, charles, 20);
  member(labs, charles, 'owner', charles, 20);
  member(labs, ada, 'viewer', charles, 21);
  const graces = workspace(4, "Grace's Workspace", null, grace, 30);
  member(graces, grace, 'owner', grace, 30);

  const token = (n: number, user: User, description: string, created: number, lastUsed: number | null): void => {
    s.addToken({
      id: seededId('token', n), userId: user.id, description, value: seededTokenValue(n),
      createdAt: seededDate(created), lastUsedAt: lastUsed === null ? null : seededDate(lastUsed),
    });
  };
  token(1, ada, 'ci-pipeline', 100, 5000);
  token(2, ada, 'laptop', 200, null);
  token(3, ada, 'deploy-bot', 300, 6000);
  token(4, grace, 'grace-notebook', 400, null);

  s.sandboxes.set(seededId('sandbox', 1), {
    id: seededId('sandbox', 1), taskId: 'notebook-runner', workspaceId: personal, name: 'notebook-runner',
    image: 'python:3.12', createdAt: seededDate(500), createdBy: ada.id, updatedAt: seededDate(501), destroyedAt: null,
    readyAt: 0, outcome: 'running', envVars: {}, ttlSeconds: null,
  });
  s.sandboxes.set(seededId('sandbox', 2), {
    id: seededId('sandbox', 2), taskId: 'nightly-build', workspaceId: personal, name: 'nightly-build',
    image: 'node:20', createdAt: seededDate(600), createdBy: ada.id, updatedAt: seededDate(700), destroyedAt: seededDate(700),
    readyAt: 0, outcome: 'running', envVars: {}, ttlSeconds: null,
  });

  // The documented global defaults, then the images of one workspace (one enabled and its default, one disabled).
  const image = (n: number, workspaceId: string | null, name: string, ref: string, tag: string, description: string | null,
    extra: Partial<SandboxImage> = {}): void => {
    s.images.set(seededId('image', n), {
      id: seededId('image', n), workspaceId, name, image: ref, tag, description, enabled: true, isDefault: false, memoryMb: 1024,
      readinessPort: null, registryId: null, ttlSeconds: null, createdAt: seededDate(n), ...extra,
    });
  };
  image(1, null, 'modbox/code-exec', 'modbox/code-exec', 'latest', 'Python, Node.js, Go, Bash', { isDefault: true });
  image(2, null, 'modbox/chromium', 'modbox/chromium', 'latest', 'Headless Chromium, CDP + VNC', { memoryMb: 2048, readinessPort: 9222 });
  image(3, null, 'modbox/ubuntu', 'modbox/ubuntu', '24.04', 'Ubuntu 24.04', { memoryMb: 512 });
  image(11, engines, 'engines/notebook', 'ghcr.io/analytical-engines/notebook', '3.12', 'Jupyter with the engine simulators',
    { isDefault: true, memoryMb: 4096, readinessPort: 8888, ttlSeconds: 1800 });
  image(12, engines, 'engines/legacy', 'ghcr.io/analytical-engines/legacy', '1.0', 'Retired build image', { enabled: false, memoryMb: 256 });

  if (seed === 'hostile') {
    HOSTILE_NAMES.forEach((name, i) => {
      const id = workspace(100 + i, name, name, ada, 1000 + i);
      member(id, ada, ROLES[i % ROLES.length], ada, 1000 + i);
      token(100 + i, ada, name, 1000 + i, null);
      // And a running sandbox of that name (task id) in Ada's Personal workspace.
      const sandboxId = seededId('sandbox', 100 + i);
      s.sandboxes.set(sandboxId, {
        id: sandboxId, taskId: name, workspaceId: personal, name, image: name, createdAt: seededDate(1000 + i), createdBy: ada.id,
        updatedAt: seededDate(1000 + i), destroyedAt: null, readyAt: 0, outcome: 'running', envVars: {}, ttlSeconds: null,
      });
    });
  } else if (typeof seed === 'object') {
    seedBulk(s, ada, seed, () => ++memberN);
  }
  return s;
}

/** Bulk data for benchmarks: Ada ends up in `workspaces` workspaces in total and owns `tokens` tokens in total. */
function seedBulk(s: Store, ada: User, seed: { workspaces: number; tokens: number }, nextMember: () => number): void {
  const wsCount = Math.max(0, Math.floor(seed.workspaces));
  const tokenCount = Math.max(0, Math.floor(seed.tokens));
  const adaWorkspaces = s.workspacesOf(ada.id).length;
  for (let i = adaWorkspaces; i < wsCount; i++) {
    const n = 1000 + i;
    const id = seededId('workspace', n);
    s.addWorkspace({
      id, name: `Workspace ${String(i + 1).padStart(4, '0')}`, description: i % 2 ? `Bulk workspace ${i + 1}` : null,
      realm: REALM, createdAt: seededDate(i), createdBy: ada.id, updatedAt: seededDate(i),
    });
    s.addMember({ id: seededId('member', nextMember()), workspaceId: id, userId: ada.id, role: ROLES[i % ROLES.length], addedBy: ada.id, createdAt: seededDate(i) });
  }
  const adaTokens = s.tokensOf(ada.id).length;
  for (let i = adaTokens; i < tokenCount; i++) {
    const n = 1000 + i;
    s.addToken({
      id: seededId('token', n), userId: ada.id, description: `token-${String(i + 1).padStart(5, '0')}`,
      value: seededTokenValue(n), createdAt: seededDate(i), lastUsedAt: i % 3 ? null : seededDate(i + 1),
    });
  }
}
