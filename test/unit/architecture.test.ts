// The layers of src/ and the direction of imports, as ARCHITECTURE.md states
// them: a module imports from its own folder or from a lower layer, never up.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve(__dirname, '..', '..', '..', 'src');

/** Lower numbers are lower layers. Folders on one level must not import each other. */
export const LAYERS: Readonly<Record<string, number>> = {
  util: 0,
  log: 1,
  api: 2,
  dotenv: 2,
  ui: 2,
  config: 3,
  auth: 3,
  workspace: 4,
  views: 5,
  terminal: 5,
  commands: 6,
  'extension.ts': 7,
};

function layerOf(srcRelative: string): string {
  return srcRelative.split(sep)[0];
}

/** The imports of one file that go against the layers, as "from -> to" lines. */
export function violations(file: string, text: string): string[] {
  const from = layerOf(relative(SRC, file));
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']*)'|^\s*import\s+'(\.[^']*)'/gm)) {
    const spec = m[1] ?? m[2];
    const target = relative(SRC, resolve(dirname(file), spec));
    const to = layerOf(target.endsWith('extension') ? `${target}.ts` : target);
    if (to === from || target.startsWith('..')) {
      continue;
    }
    const up = LAYERS[to] === undefined || LAYERS[from] === undefined || LAYERS[to] >= LAYERS[from];
    if (up) {
      found.push(`${relative(SRC, file)} imports ${spec} (${from} -> ${to})`);
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('architecture: the direction of imports in src/', () => {
  it('every top-level folder of src/ has a layer', () => {
    const top = readdirSync(SRC);
    assert.deepEqual(top.filter((name) => LAYERS[name] === undefined), []);
  });

  it('no module imports from a higher layer or a sibling layer', () => {
    const files = sourceFiles(SRC);
    assert.ok(files.length > 40, `found only ${files.length} source files`);
    assert.deepEqual(files.flatMap((f) => violations(f, readFileSync(f, 'utf8'))), []);
  });

  it('catches an import that goes up, sideways, or a re-export', () => {
    const api = join(SRC, 'api', 'client.ts');
    assert.equal(violations(api, "import { AccountService } from '../auth/accountService';").length, 1);
    assert.equal(violations(api, "import type { Ui } from '../ui/ui';").length, 1, 'api and ui are siblings');
    assert.equal(violations(join(SRC, 'util', 'clock.ts'), "export { redact } from '../log/redact';").length, 1);
    assert.equal(violations(join(SRC, 'views', 'loader.ts'), "import '../commands/register';").length, 1);
    assert.deepEqual(violations(join(SRC, 'commands', 'register.ts'), "import { createTreeViews } from '../views/register';\nimport { x } from './env';"), []);
  });
});
