// The redaction check behind the whole integration run: every secret the
// emulator ever issued is looked for in everything VS Code wrote to disk
// (the Modbox output channel's log file among them) and in the run's output.
import * as fs from 'fs';
import * as path from 'path';

export interface ScanResult {
  files: number;
  bytes: number;
  /** Files and transcripts where a secret was found, with the secret's first characters only. */
  leaks: { where: string; secretStart: string }[];
  /** The Modbox output channel's log files seen; the check is meaningless without one. */
  modboxLogs: string[];
}

const MAX_FILE_BYTES = 50 * 1024 * 1024;

export function scanForSecrets(dirs: string[], transcripts: Record<string, string>, secrets: string[]): ScanResult {
  const needles = [...new Set(secrets.filter((s) => s.length >= 16))];
  const result: ScanResult = { files: 0, bytes: 0, leaks: [], modboxLogs: [] };
  const check = (where: string, text: string): void => {
    for (const secret of needles) {
      if (text.includes(secret)) {
        result.leaks.push({ where, secretStart: `${secret.slice(0, 6)}…` });
      }
    }
  };
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (e.isFile()) {
        const size = fs.statSync(p).size;
        if (size > MAX_FILE_BYTES) {
          continue;
        }
        const text = fs.readFileSync(p).toString('latin1');
        result.files++;
        result.bytes += size;
        if (/modbox/i.test(e.name) && e.name.endsWith('.log') && size > 0) {
          result.modboxLogs.push(p);
        }
        check(p, text);
      }
    }
  };
  dirs.forEach(walk);
  for (const [name, text] of Object.entries(transcripts)) {
    check(name, text);
  }
  return result;
}
