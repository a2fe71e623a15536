/**
 * Whether a folder's `.gitignore` ignores a file at the folder's top level,
 * for when git itself cannot be asked (not installed, not a repository, too
 * slow). A deliberately small reading of gitignore(5): blank lines and `#`
 * comments are skipped, `!` re-includes, the last matching rule wins, a
 * trailing `/` matches directories only, `*`, `?`, `[…]` and a leading `**` and slash
 * are globs, and a rule with a `/` elsewhere names a deeper path. Global
 * excludes and `.git/info/exclude` are not read: when in doubt the file counts
 * as not ignored, so the user is warned rather than reassured.
 */

function globToRegExp(glob: string): RegExp | undefined {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[++i]);
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
      out += `[${body}]`;
      i = close;
    } else {
      out += escapeChar(c);
    }
  }
  try {
    return new RegExp(`^${out}$`);
  } catch {
    return undefined;
  }
}

function escapeChar(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Whether the rules in `gitignoreText` ignore the file `name` (no slashes) next to that `.gitignore`. */
export function ignoredByRules(gitignoreText: string, name: string): boolean {
  let ignored = false;
  for (const rawLine of gitignoreText.replace(/^\ufeff/, '').split(/\r?\n/)) {
    // Trailing spaces are not part of a rule unless escaped.
    let rule = rawLine.replace(/(?<!\\)[ \t]+$/, '');
    if (rule === '' || rule.startsWith('#')) {
      continue;
    }
    let negate = false;
    if (rule.startsWith('!')) {
      negate = true;
      rule = rule.slice(1);
    }
    if (rule.endsWith('/')) {
      // Directories only; `name` is a file.
      continue;
    }
    rule = rule.replace(/^\*\*\//, '').replace(/^\//, '');
    if (rule.includes('/') && rule !== '**') {
      continue;
    }
    if (globToRegExp(rule)?.test(name)) {
      ignored = !negate;
    }
  }
  return ignored;
}

/** `gitignoreText` with a line for `name` added at the end, in the file's own line endings. */
export function withIgnoreEntry(gitignoreText: string, name: string): string {
  const eol = /\r\n/.test(gitignoreText) ? '\r\n' : '\n';
  const body = gitignoreText.replace(/^\ufeff/, '');
  const separator = body.length > 0 && !body.endsWith('\n') ? eol : '';
  return `${gitignoreText}${separator}${name}${eol}`;
}
