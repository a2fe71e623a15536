/**
 * Lenient, safe parsers for API responses. Only known fields are read (own
 * properties, so `__proto__`/`constructor` never leak in), unknown ones are
 * dropped, list items of the wrong shape are skipped, strings are cleaned and
 * bounded. Nesting is fixed by the shapes read, so depth is bounded too.
 */
import { isApiToken, isCredential } from '../util/secretShapes';
import { truncate, withoutControlChars } from '../util/untrustedText';
import { ModboxError } from './errors';
import {
  MAX_TOKEN_DESCRIPTION_LENGTH, SANDBOX_TASK_ID_MAX, type ApiToken, type CreatedApiToken, type Member, type ProvisionedSandbox,
  type Sandbox, type SandboxImage, type SandboxWait, type TokenSet, type Workspace, type WorkspaceDetail,
} from './types';

type Json = Record<string, unknown>;

// Far above any real account (a user with 5,000 tokens must see and revoke
// every one); only a pathological response is cut. Bodies are capped at 5 MB anyway.
export const MAX_LIST_ITEMS = 20_000;

function unusable(what: string): ModboxError {
  return new ModboxError('badResponse', `Modbox sent a response the extension can't use (${what}).`);
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** Reads an own property only. */
function field(obj: Json, ...keys: string[]): unknown {
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(obj, key)) {
      return obj[key];
    }
  }
  return undefined;
}

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const clean = withoutControlChars(value).trim();
  return clean ? truncate(clean, max) : undefined;
}

function identifier(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return String(value);
  }
  const id = typeof value === 'string' ? value.trim() : undefined;
  return id && id.length <= 200 && withoutControlChars(id) === id && !/\s/.test(id) ? id : undefined;
}

function count(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

function timestamp(value: unknown): string | undefined {
  const t = text(value, 64);
  return t && !Number.isNaN(Date.parse(t)) ? t : undefined;
}

function credential(value: unknown): string | undefined {
  // Credentials go into an Authorization header: printable ASCII only.
  return isCredential(value) ? value : undefined;
}

/** A bare array, or the first array found under one of the wrapper keys. */
function list(json: unknown, wrappers: string[], what: string): unknown[] {
  let items: unknown = json;
  const obj = asObject(json);
  if (obj) {
    items = wrappers.map((k) => field(obj, k)).find(Array.isArray);
  }
  if (!Array.isArray(items)) {
    throw unusable(`expected a list of ${what}`);
  }
  return items.slice(0, MAX_LIST_ITEMS);
}

/**
 * The readable items of a list. Items of the wrong shape are skipped, but a
 * non-empty list with none readable (e.g. deeply nested arrays) is refused:
 * shown as "no workspaces" it would tell the user something false.
 */
function readable<T>(items: unknown[], read: (item: unknown) => T | undefined, what: string): T[] {
  const out = items.map(read).filter((x): x is T => x !== undefined);
  if (items.length > 0 && out.length === 0) {
    throw unusable(`no readable ${what} in the list`);
  }
  return out;
}

function optional<T extends object>(out: T): T {
  for (const key of Object.keys(out) as Array<keyof T>) {
    if (out[key] === undefined) {
      delete out[key];
    }
  }
  return out;
}

/** Login/refresh responses: `{success, tokens: {...}}` or the bare token object. */
export function parseTokenResponse(json: unknown): TokenSet {
  const outer = asObject(json);
  if (!outer) {
    throw unusable('no tokens');
  }
  const inner = asObject(field(outer, 'tokens', 'data')) ?? outer;
  const accessToken = credential(field(inner, 'access_token', 'accessToken'));
  if (!accessToken) {
    throw unusable('no access token');
  }
  const refreshToken = credential(field(inner, 'refresh_token', 'refreshToken'));
  const expiresIn = count(field(inner, 'expires_in', 'expiresIn'));
  const refreshExpiresIn = count(field(inner, 'refresh_expires_in', 'refreshExpiresIn'));
  return optional({ accessToken, refreshToken, expiresIn, refreshExpiresIn });
}

function workspace(value: unknown): Workspace | undefined {
  const obj = asObject(value);
  const id = obj && identifier(field(obj, 'id', 'workspace_id'));
  if (!obj || !id) {
    return undefined;
  }
  const members = field(obj, 'members');
  return optional({
    id,
    name: text(field(obj, 'name'), 255) ?? id,
    description: text(field(obj, 'description'), 1000),
    realm: text(field(obj, 'realm'), 255),
    createdAt: timestamp(field(obj, 'created_at', 'createdAt')),
    createdBy: text(field(obj, 'created_by', 'createdBy'), 255),
    role: text(field(obj, 'role'), 40)?.toLowerCase(),
    memberCount: count(field(obj, 'member_count', 'memberCount')) ?? (Array.isArray(members) ? members.length : undefined),
  });
}

function member(value: unknown): Member | undefined {
  const obj = asObject(value);
  const userId = obj && identifier(field(obj, 'user_id', 'userId'));
  if (!obj || !userId) {
    return undefined;
  }
  return optional({
    id: identifier(field(obj, 'id')) ?? userId,
    userId,
    email: text(field(obj, 'email'), 320),
    role: text(field(obj, 'role'), 40)?.toLowerCase() ?? 'member',
    createdAt: timestamp(field(obj, 'created_at', 'createdAt')),
  });
}

export function parseWorkspaces(json: unknown): Workspace[] {
  return readable(list(json, ['workspaces', 'items', 'data'], 'workspaces'), workspace, 'workspaces');
}

export function parseWorkspaceDetail(json: unknown): WorkspaceDetail {
  const outer = asObject(json);
  const inner = outer && (asObject(field(outer, 'workspace')) ?? outer);
  const base = workspace(inner);
  if (!inner || !base) {
    throw unusable('no workspace');
  }
  const rawMembers = field(inner, 'members');
  const members = Array.isArray(rawMembers) ? readable(rawMembers.slice(0, MAX_LIST_ITEMS), member, 'members') : [];
  return { ...base, memberCount: base.memberCount ?? members.length, members };
}

function apiToken(value: unknown): ApiToken | undefined {
  const obj = asObject(value);
  const id = obj && identifier(field(obj, 'id'));
  if (!obj || !id) {
    return undefined;
  }
  // A list must never carry a full token value; if a server sends one, keep only a prefix.
  const full = credential(field(obj, 'token'));
  const prefix = text(field(obj, 'token_prefix', 'tokenPrefix', 'prefix'), 16) ?? (full ? full.slice(0, 8) : undefined);
  const lastUsed = field(obj, 'last_used_at', 'lastUsedAt');
  return optional({
    id,
    description: text(field(obj, 'description', 'name'), MAX_TOKEN_DESCRIPTION_LENGTH) ?? '',
    tokenPrefix: prefix,
    createdAt: timestamp(field(obj, 'created_at', 'createdAt')),
    lastUsedAt: timestamp(lastUsed) ?? null,
  });
}

export function parseApiTokens(json: unknown): ApiToken[] {
  return readable(list(json, ['tokens', 'api_tokens', 'apiTokens', 'items', 'data'], 'API tokens'), apiToken, 'API tokens');
}

export function parseCreatedApiToken(json: unknown): CreatedApiToken {
  const outer = asObject(json);
  const inner = outer && (asObject(field(outer, 'api_token', 'apiToken', 'data')) ?? outer);
  const token = inner && credential(field(inner, 'token'));
  if (!inner || !token || !isApiToken(token)) {
    throw unusable('no new API token');
  }
  const id = identifier(field(inner, 'id'));
  if (!id) {
    throw unusable('the new API token has no id');
  }
  return optional({
    id,
    description: text(field(inner, 'description', 'name'), MAX_TOKEN_DESCRIPTION_LENGTH) ?? '',
    token,
    createdAt: timestamp(field(inner, 'created_at', 'createdAt')),
  });
}

function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') {
    return value;
  }
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** Only http(s) URLs survive: a server must not hand the editor a `command:` or `javascript:` link to open. */
function webUrl(value: unknown): string | undefined {
  const raw = typeof value === 'string' ? value.trim() : undefined;
  if (!raw || raw.length > 2048 || withoutControlChars(raw) !== raw || /\s/.test(raw)) {
    return undefined;
  }
  try {
    const url = new URL(raw);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password ? raw : undefined;
  } catch {
    return undefined;
  }
}

function sandboxStatus(value: unknown): string | undefined {
  return text(value, 40)?.toLowerCase();
}

function sandbox(value: unknown): Sandbox | undefined {
  const obj = asObject(value);
  const id = obj && identifier(field(obj, 'id', 'sandbox_id', 'sandboxId'));
  if (!obj || !id) {
    return undefined;
  }
  const destroyed = field(obj, 'destroyed_at', 'destroyedAt');
  const destroyedAt = timestamp(destroyed) ?? (destroyed === null ? null : undefined);
  return optional({
    id,
    // The task id is what provision, wait and destroy take; `name` is the documented field that holds it.
    name: text(field(obj, 'task_id', 'taskId'), SANDBOX_TASK_ID_MAX) ?? text(field(obj, 'name'), SANDBOX_TASK_ID_MAX) ?? id,
    status: sandboxStatus(field(obj, 'status')) ?? (destroyedAt ? 'destroyed' : 'unknown'),
    sandboxUrl: webUrl(field(obj, 'sandbox_url', 'sandboxUrl', 'url')),
    image: text(field(obj, 'image', 'image_name'), 512),
    createdAt: timestamp(field(obj, 'created_at', 'createdAt')),
    createdBy: text(field(obj, 'created_by', 'createdBy'), 255),
    updatedAt: timestamp(field(obj, 'updated_at', 'updatedAt')),
    destroyedAt,
  });
}

export function parseSandboxes(json: unknown): Sandbox[] {
  return readable(list(json, ['sandboxes', 'items', 'data'], 'sandboxes'), sandbox, 'sandboxes');
}

export function parseSandbox(json: unknown): Sandbox {
  const outer = asObject(json);
  const out = sandbox(outer && (asObject(field(outer, 'sandbox', 'data')) ?? outer));
  if (!out) {
    throw unusable('no sandbox');
  }
  return out;
}

function sandboxImage(value: unknown): SandboxImage | undefined {
  const obj = asObject(value);
  const id = obj && identifier(field(obj, 'id', 'image_id', 'imageId'));
  if (!obj || !id) {
    return undefined;
  }
  const ref = text(field(obj, 'image'), 512);
  const explicitGlobal = flag(field(obj, 'is_global', 'global', 'isGlobal'));
  const workspaceId = field(obj, 'workspace_id', 'workspaceId');
  return optional({
    id,
    name: text(field(obj, 'name'), 255) ?? ref ?? id,
    image: ref,
    tag: text(field(obj, 'tag'), 128),
    description: text(field(obj, 'description'), 1000),
    // Missing flags read as the common case: an image listed is usable, and not the default.
    enabled: flag(field(obj, 'enabled')) ?? true,
    isDefault: flag(field(obj, 'is_default', 'isDefault')) ?? false,
    global: explicitGlobal ?? (workspaceId === null ? true : undefined),
    ttlSeconds: count(field(obj, 'ttl_seconds', 'ttlSeconds')),
    memoryMb: count(field(obj, 'memory_mb', 'memoryMb')),
    createdAt: timestamp(field(obj, 'created_at', 'createdAt')),
  });
}

export function parseSandboxImages(json: unknown): SandboxImage[] {
  return readable(list(json, ['images', 'sandbox_images', 'sandboxImages', 'items', 'data'], 'sandbox images'), sandboxImage, 'sandbox images');
}

/** The documented `{success, sandbox_id, sandbox_url, status}`, or the sandbox detail itself. */
export function parseProvisionedSandbox(json: unknown): ProvisionedSandbox {
  const outer = asObject(json);
  const inner = outer && (asObject(field(outer, 'sandbox', 'data')) ?? outer);
  const sandboxId = inner && identifier(field(inner, 'sandbox_id', 'sandboxId', 'id'));
  if (!inner || !sandboxId) {
    throw unusable('the new sandbox has no id');
  }
  return optional({
    sandboxId,
    sandboxUrl: webUrl(field(inner, 'sandbox_url', 'sandboxUrl', 'url')),
    // Provisioning is always asynchronous: without a status, that is where it stands.
    status: sandboxStatus(field(inner, 'status')) ?? 'provisioning',
  });
}

export function parseSandboxWait(json: unknown): SandboxWait {
  const obj = asObject(json);
  const ready = obj && flag(field(obj, 'ready'));
  if (!obj || ready === undefined) {
    throw unusable('no ready flag in the wait answer');
  }
  const elapsed = field(obj, 'elapsed_seconds', 'elapsedSeconds');
  const elapsedSeconds = typeof elapsed === 'number' && Number.isFinite(elapsed) && elapsed >= 0 ? elapsed : count(elapsed);
  return optional({ ready, elapsedSeconds });
}
