/**
 * The one home for showing text that the server or other users wrote
 * (workspace and token names, emails, account labels, error details) on the
 * editor's surfaces. Such text is data, never markup. One function per kind
 * of surface:
 *
 * - `messageText`: notifications and their progress titles, modal dialogs,
 *   quick-pick labels/descriptions/details, status bar text and tooltips.
 *   VS Code (1.99 and 1.139) turns `[label](https:…|command:…|file:…)` into a
 *   link there and `$(name)` into an icon. The link syntax has no escape
 *   (a backslash before `]` still leaves a link labelled `label\`), so the
 *   `](` pair that every such link needs gets a space: `[Reload] (command:…)`
 *   stays readable and is never a link. `$(` becomes `\$(`, which those
 *   surfaces show as a literal `$(`.
 * - `labelText`: tree item labels and descriptions, which render neither.
 * - `markdownText`: the inside of a Markdown tooltip (which renders full
 *   Markdown, images and HTML): every ASCII punctuation character is
 *   backslash-escaped. Pass the result to a MarkdownString that is not
 *   trusted and has no HTML (`inertMarkdown` in src/views/treeCommon.ts).
 *
 * All three remove control characters, bidi overrides and zero-width
 * characters (which can disguise text), fold line breaks into spaces, and cap
 * the length with an ellipsis. This module imports nothing, so the transport
 * bundle can use it too.
 */

/** C0/C1 controls, zero-width and bidi formatting characters, line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Longest untrusted value shown in one place: a name is recognisable long before this. */
export const MAX_SHOWN_CHARS = 160;

/** Replaces control and formatting characters with spaces; nothing else changes. */
export function withoutControlChars(text: string): string {
  return text.replace(CONTROL_CHARS, ' ');
}

/** One line: no control characters, runs of white space folded, trimmed. */
function oneLine(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value ?? '');
  return withoutControlChars(text).replace(/\s+/g, ' ').trim();
}

/** Cuts at `max` characters (never inside a surrogate pair) and marks the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) {
    return text;
  }
  return `${chars.slice(0, Math.max(1, max - 1)).join('').trimEnd()}…`;
}

/** Untrusted text for notifications, modals, quick picks and the status bar. Idempotent. */
export function messageText(value: unknown, max = MAX_SHOWN_CHARS): string {
  const inert = oneLine(value)
    // No `](` can survive, so no `[label](target)` link can form; the space makes it idempotent.
    .replace(/\](?: ?)\(/g, '] (')
    // `\$(` shows as a literal `$(`; an already escaped one is left alone.
    .replace(/(?<!\\)\$\(/g, '\\$(');
  // Cut last, so the escapes above cannot push the text past `max` (a cut cannot form a link).
  return truncate(inert, max);
}

/** Untrusted text for tree item labels and descriptions (no links or icons render there). */
export function labelText(value: unknown, max = MAX_SHOWN_CHARS): string {
  return truncate(oneLine(value), max);
}

/** Untrusted text to put inside Markdown: every ASCII punctuation character escaped. */
export function markdownText(value: unknown, max = 4 * MAX_SHOWN_CHARS): string {
  // Cut first, so no escape is cut in half.
  return truncate(oneLine(value), max).replace(/[!-/:-@[-`{-~]/g, (ch) => `\\${ch}`);
}
