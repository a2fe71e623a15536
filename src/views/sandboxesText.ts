import { labelText, markdownText } from '../util/untrustedText';
import type { L10n } from './l10n';
import { formatAbsoluteDate, formatRelativeTime, parseServerDate } from './relativeTime';

/** The fields of a sandbox the views read (structurally `Sandbox` from src/api/types). */
export interface SandboxFields {
  readonly id: string;
  /** The task id. */
  readonly name: string;
  readonly status: string;
  readonly sandboxUrl?: string;
  readonly image?: string;
  readonly createdAt?: string;
  readonly createdBy?: string;
  readonly updatedAt?: string;
  readonly destroyedAt?: string | null;
}

/** A TTL this editor asked for when it created the sandbox (the API has no expiry field). */
export interface KnownTtl {
  readonly ttlSeconds: number;
  /** When the provision was sent (ms); used when the server gives no creation date. */
  readonly requestedAt: number;
}

/** What a tree item shows for one sandbox, computed without any async work. */
export interface SandboxText {
  readonly label: string;
  readonly description: string;
}

/** The status as the menus and icons know it; anything else the server says is `other`. */
export type StatusClass = 'provisioning' | 'running' | 'destroyed' | 'failed' | 'other';

export function statusClass(status: string): StatusClass {
  switch (status) {
    case 'provisioning':
    case 'running':
    case 'destroyed':
    case 'failed':
      return status;
    default:
      return 'other';
  }
}

/** A codicon and a theme colour id for a status; provisioning spins. */
export function statusIcon(status: string): { readonly icon: string; readonly color?: string } {
  switch (statusClass(status)) {
    case 'provisioning':
      return { icon: 'loading~spin', color: 'charts.yellow' };
    case 'running':
      return { icon: 'vm-running', color: 'testing.iconPassed' };
    case 'destroyed':
      return { icon: 'circle-slash', color: 'disabledForeground' };
    case 'failed':
      return { icon: 'error', color: 'errorForeground' };
    case 'other':
      return { icon: 'question' };
  }
}

/** The task id as tree label text (see labelText); wrap it in messageText for messages and quick picks. */
export function sandboxLabel(sandbox: SandboxFields, l10n: L10n): string {
  return labelText(sandbox.name) || labelText(sandbox.id) || l10n.t('(unnamed sandbox)');
}

/** The status in words: ours for the known ones, the server's own (as label text) otherwise. */
export function statusWord(status: string, l10n: L10n): string {
  switch (statusClass(status)) {
    case 'provisioning':
      return l10n.t('provisioning');
    case 'running':
      return l10n.t('running');
    case 'destroyed':
      return l10n.t('destroyed');
    case 'failed':
      return l10n.t('failed');
    case 'other':
      return labelText(status, 40) || l10n.t('unknown');
  }
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** "less than a minute left", "12 min left", "3 h 5 min left"; past the TTL the reaper may take up to a minute. */
export function formatTimeLeft(ms: number, l10n: L10n): string {
  if (ms <= 0) {
    return l10n.t('expiring');
  }
  if (ms < MINUTE_MS) {
    return l10n.t('less than a minute left');
  }
  const minutes = Math.floor(ms / MINUTE_MS);
  if (ms < HOUR_MS) {
    return l10n.t('{0} min left', minutes);
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? l10n.t('{0} h left', hours) : l10n.t('{0} h {1} min left', hours, rest);
}

/** A TTL in words for the tooltip and pickers: "2 min", "1 h", "90 s", "1 h 30 min". */
export function formatTtl(seconds: number, l10n: L10n): string {
  if (seconds % 60 !== 0) {
    return l10n.t('{0} s', seconds);
  }
  const minutes = seconds / 60;
  if (minutes < 60) {
    return l10n.t('{0} min', minutes);
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? l10n.t('{0} h', hours) : l10n.t('{0} h {1} min', hours, rest);
}

/** Milliseconds until the TTL runs out, or undefined when no TTL is known or the sandbox is gone. */
export function timeLeftMs(sandbox: SandboxFields, ttl: KnownTtl | undefined, now: number): number | undefined {
  if (!ttl || statusClass(sandbox.status) === 'destroyed' || statusClass(sandbox.status) === 'failed') {
    return undefined;
  }
  const start = parseServerDate(sandbox.createdAt) ?? ttl.requestedAt;
  return start + ttl.ttlSeconds * 1000 - now;
}

/** Label and description: task id; status (unless running) · image · age · time left (only for a TTL we asked for). */
export function sandboxText(sandbox: SandboxFields, ttl: KnownTtl | undefined, now: number, l10n: L10n): SandboxText {
  const parts: string[] = [];
  if (statusClass(sandbox.status) !== 'running') {
    parts.push(statusWord(sandbox.status, l10n));
  }
  const image = labelText(sandbox.image ?? '', 80);
  if (image) {
    parts.push(image);
  }
  const created = parseServerDate(sandbox.createdAt);
  if (created !== undefined) {
    parts.push(formatRelativeTime(created, now, l10n));
  }
  const left = timeLeftMs(sandbox, ttl, now);
  if (left !== undefined) {
    parts.push(formatTimeLeft(left, l10n));
  }
  return { label: sandboxLabel(sandbox, l10n), description: parts.join(' · ') };
}

/** Markdown for the hover with every field, all server text escaped; built only when the user hovers. */
export function sandboxTooltip(
  sandbox: SandboxFields, ttl: KnownTtl | undefined, now: number, workspace: string | undefined, l10n: L10n,
): string {
  const lines = [`**${markdownText(sandboxLabel(sandbox, l10n))}**`];
  lines.push(l10n.t('Status: {0}', markdownText(statusWord(sandbox.status, l10n))));
  if (sandbox.image) {
    lines.push(l10n.t('Image: {0}', markdownText(sandbox.image)));
  }
  if (sandbox.sandboxUrl) {
    lines.push(l10n.t('URL: {0}', markdownText(sandbox.sandboxUrl)));
  }
  lines.push(l10n.t('Sandbox ID: {0}', markdownText(sandbox.id)));
  const created = parseServerDate(sandbox.createdAt);
  if (created !== undefined) {
    lines.push(l10n.t('Created: {0}', formatAbsoluteDate(created)));
  }
  const updated = parseServerDate(sandbox.updatedAt);
  if (updated !== undefined) {
    lines.push(l10n.t('Updated: {0}', formatAbsoluteDate(updated)));
  }
  const destroyed = parseServerDate(sandbox.destroyedAt);
  if (destroyed !== undefined) {
    lines.push(l10n.t('Destroyed: {0}', formatAbsoluteDate(destroyed)));
  }
  if (sandbox.createdBy) {
    lines.push(l10n.t('Created by: {0}', markdownText(sandbox.createdBy)));
  }
  const left = timeLeftMs(sandbox, ttl, now);
  if (ttl && left !== undefined) {
    lines.push(l10n.t('TTL: {0} (asked for from this editor), {1}', formatTtl(ttl.ttlSeconds, l10n), formatTimeLeft(left, l10n)));
  }
  if (workspace) {
    lines.push(l10n.t('Workspace: {0}', markdownText(workspace)));
  }
  return lines.join('\n\n');
}

/** Newest first; sandboxes without a readable creation date go last, ties keep the server's order. */
export function sortSandboxesNewestFirst<T extends SandboxFields>(sandboxes: readonly T[]): T[] {
  const keyed = sandboxes.map((sandbox, index) => ({ sandbox, index, created: parseServerDate(sandbox.createdAt) ?? -Infinity }));
  keyed.sort((a, b) => (b.created - a.created) || (a.index - b.index));
  return keyed.map((k) => k.sandbox);
}
