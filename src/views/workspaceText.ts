import type { L10n } from './l10n';
import { labelText, markdownText } from '../util/untrustedText';
import { formatAbsoluteDate, parseServerDate } from './relativeTime';

/** The fields of a workspace the views read (structurally `Workspace` from src/api/types). */
export interface WorkspaceFields {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly realm?: string;
  readonly createdAt?: string;
  readonly role?: string;
  readonly memberCount?: number;
}

/** The fields of a member the views read (structurally `Member` from src/api/types). */
export interface MemberFields {
  readonly id: string;
  readonly userId: string;
  readonly email?: string;
  readonly role: string;
}

export interface ItemText {
  readonly label: string;
  readonly description: string;
  /** Markdown with all server text escaped. */
  readonly tooltip: string;
}

/** The name as tree label text (see labelText); wrap it in messageText for messages and quick picks. */
export function workspaceLabel(ws: WorkspaceFields, l10n: L10n): string {
  return labelText(ws.name) || l10n.t('(unnamed workspace)');
}

export function workspaceText(ws: WorkspaceFields, active: boolean, l10n: L10n): ItemText {
  const label = workspaceLabel(ws, l10n);
  const parts: string[] = [];
  if (ws.role) {
    parts.push(labelText(ws.role));
  }
  if (active) {
    parts.push(l10n.t('active'));
  }

  const lines = [`**${markdownText(label)}**`];
  if (ws.description?.trim()) {
    lines.push(markdownText(ws.description.trim()));
  }
  lines.push(l10n.t('ID: {0}', markdownText(ws.id)));
  if (ws.realm) {
    lines.push(l10n.t('Realm: {0}', markdownText(ws.realm)));
  }
  const created = parseServerDate(ws.createdAt);
  if (created !== undefined) {
    lines.push(l10n.t('Created: {0}', formatAbsoluteDate(created)));
  }
  if (typeof ws.memberCount === 'number') {
    lines.push(ws.memberCount === 1 ? l10n.t('1 member') : l10n.t('{0} members', ws.memberCount));
  }
  if (ws.role) {
    lines.push(l10n.t('Your role: {0}', markdownText(ws.role)));
  }
  if (active) {
    lines.push(l10n.t('Active workspace: requests are sent with its ID.'));
  }
  return { label, description: parts.join(' · '), tooltip: lines.join('\n\n') };
}

export function memberText(member: MemberFields, l10n: L10n): ItemText {
  const label = labelText(member.email ?? '') || labelText(member.userId) || l10n.t('(unknown user)');
  const lines = [`**${markdownText(label)}**`, l10n.t('Role: {0}', markdownText(member.role))];
  if (member.email) {
    lines.push(l10n.t('User ID: {0}', markdownText(member.userId)));
  }
  return { label, description: labelText(member.role), tooltip: lines.join('\n\n') };
}
