/**
 * Sets a few keys in the text of a `.env` file and changes nothing else: every
 * other line, comment, blank line, the order, the line endings (CRLF stays
 * CRLF), a byte order mark, `export ` prefixes, the spacing around `=`, inline
 * comments and the quotes around a value are kept. Pure: text in, text out.
 *
 * How a file is read, following the dotenv readers (Node's `dotenv`,
 * `python-dotenv`, a shell's `source`):
 * - `KEY=value`, `export KEY=value`, spaces around `=` allowed; lines starting
 *   with `#` are comments.
 * - A value in '…', "…" or `…` may span lines; lines inside such a value are
 *   never taken for assignments.
 * - An unquoted value ends at a `#` that starts it or follows white space.
 * - When a key is set more than once, the last assignment wins (all those
 *   readers agree). Only that one is read and updated; earlier ones are left
 *   as they are, since they have no effect.
 *
 * A key whose effective value is a different non-empty value is a conflict: it
 * is left alone unless the caller passes it in `overwrite` (after asking the
 * user). An empty value (`KEY=`, a placeholder) is simply filled.
 */

export type KeyOutcome = 'added' | 'updated' | 'unchanged' | 'conflict';

export interface DotenvEdit {
  /** The new text (the input itself when nothing changed). */
  readonly text: string;
  readonly outcomes: Readonly<Record<string, KeyOutcome>>;
  /** Keys assigned more than once in the input (only the last assignment was read and updated). */
  readonly duplicates: readonly string[];
}

interface Assignment {
  key: string;
  /** Offsets of the value as written, quotes included. */
  valueStart: number;
  valueEnd: number;
  quote: '' | '"' | "'" | '`';
  value: string;
  exported: boolean;
}

/**
 * Values this editor writes: tokens, ids and URLs need nothing else, and a
 * value with `#`, quotes, `$`, spaces or a line break could change what the
 * file means (or, from a hostile server, add lines to it).
 */
const WRITABLE_VALUE = /^[A-Za-z0-9_.:/+@=-]{1,4096}$/;

export function isWritableValue(value: string): boolean {
  return WRITABLE_VALUE.test(value);
}

const ASSIGNMENT = /^[ \t]*(export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/;
const QUOTES = new Set(['"', "'", '`']);

/** The index of the closing `quote` from `from` (one not preceded by a backslash), or -1. */
function closingQuote(text: string, quote: string, from: number): number {
  for (let i = text.indexOf(quote, from); i >= 0; i = text.indexOf(quote, i + 1)) {
    if (text[i - 1] !== '\\') {
      return i;
    }
  }
  return -1;
}

function unescapeDouble(raw: string): string {
  return raw.replace(/\\([nrt"\\])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c] ?? c);
}

/** Every assignment in the file, in order. Linear in the size of the text. */
function assignments(text: string): Assignment[] {
  const found: Assignment[] = [];
  // Where a search for each closing quote already failed: a later search would fail too (keeps hostile files linear).
  const noCloseFrom: Record<string, number> = {};
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < text.length) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) {
      lineEnd = text.length;
    }
    const contentEnd = lineEnd > pos && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    const line = text.slice(pos, contentEnd);
    const m = ASSIGNMENT.exec(line);
    let next = lineEnd + 1;
    if (m) {
      const valueStart = pos + m[0].length;
      const first = text[valueStart];
      let close = -1;
      if (valueStart < contentEnd && QUOTES.has(first) && (noCloseFrom[first] === undefined || valueStart + 1 < noCloseFrom[first])) {
        close = closingQuote(text, first, valueStart + 1);
        if (close < 0) {
          noCloseFrom[first] = valueStart + 1;
        }
      }
      if (close >= 0) {
        const raw = text.slice(valueStart + 1, close);
        const quote = first as Assignment['quote'];
        found.push({ key: m[2], valueStart, valueEnd: close + 1, quote, value: quote === '"' ? unescapeDouble(raw) : raw, exported: m[1] !== undefined });
        const after = text.indexOf('\n', close);
        next = after < 0 ? text.length : after + 1;
      } else {
        // Unquoted (or an unterminated quote, read as text): up to a comment, trailing blanks dropped.
        const rest = line.slice(m[0].length);
        const comment = /(^|[ \t])#/.exec(rest);
        const value = (comment ? rest.slice(0, comment.index) : rest).replace(/[ \t]+$/, '');
        found.push({ key: m[2], valueStart, valueEnd: valueStart + value.length, quote: '', value, exported: m[1] !== undefined });
      }
    }
    pos = next;
  }
  return found;
}

/** The value each of `keys` has when the file is read (the last assignment), or undefined when it is not set. */
export function effectiveValues(text: string, keys: readonly string[]): Map<string, string | undefined> {
  const wanted = new Set(keys);
  const values = new Map<string, string | undefined>(keys.map((k) => [k, undefined]));
  for (const a of assignments(text)) {
    if (wanted.has(a.key)) {
      values.set(a.key, a.value);
    }
  }
  return values;
}

/** CRLF when most line breaks are CRLF; LF otherwise (and for an empty file). */
function lineEnding(text: string): string {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (text[i - 1] === '\r') {
      crlf++;
    } else {
      lf++;
    }
  }
  return crlf > lf ? '\r\n' : '\n';
}

/**
 * Sets each of `values` (key to value; every value must pass `isWritableValue`)
 * in `text`. A key in `overwrite` replaces a different non-empty value; any
 * other such key is reported as a conflict and left as it is.
 */
export function editDotenv(text: string, values: ReadonlyArray<readonly [string, string]>, overwrite: ReadonlySet<string> = new Set()): DotenvEdit {
  for (const [key, value] of values) {
    if (!isWritableValue(value)) {
      throw new Error(`The value for ${key} cannot be written to a .env file safely.`);
    }
  }
  const all = assignments(text);
  const last = new Map<string, Assignment>();
  const count = new Map<string, number>();
  for (const a of all) {
    last.set(a.key, a);
    count.set(a.key, (count.get(a.key) ?? 0) + 1);
  }
  const outcomes: Record<string, KeyOutcome> = {};
  const replacements: Array<{ start: number; end: number; text: string }> = [];
  const appended: string[] = [];
  // New lines follow the file's habit: `export ` when every assignment in it has one.
  const exportPrefix = all.length > 0 && all.every((a) => a.exported) ? 'export ' : '';
  for (const [key, value] of values) {
    const existing = last.get(key);
    if (!existing) {
      outcomes[key] = 'added';
      appended.push(`${exportPrefix}${key}=${value}`);
    } else if (existing.value === value) {
      outcomes[key] = 'unchanged';
    } else if (existing.value !== '' && !overwrite.has(key)) {
      outcomes[key] = 'conflict';
    } else {
      outcomes[key] = 'updated';
      replacements.push({ start: existing.valueStart, end: existing.valueEnd, text: `${existing.quote}${value}${existing.quote}` });
    }
  }
  let result = text;
  // From the end, so earlier offsets stay valid.
  for (const r of replacements.sort((a, b) => b.start - a.start)) {
    result = result.slice(0, r.start) + r.text + result.slice(r.end);
  }
  if (appended.length > 0) {
    const eol = lineEnding(text);
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const endsOpen = body.length > 0 && !body.endsWith('\n');
    // A file without a final line break keeps not having one; an empty file gets one.
    result = endsOpen
      ? `${result}${eol}${appended.join(eol)}`
      : `${result}${appended.join(eol)}${eol}`;
  }
  const duplicates = [...count].filter(([key, n]) => n > 1 && values.some(([k]) => k === key)).map(([key]) => key);
  return { text: result, outcomes, duplicates };
}
