import * as path from 'path';

// Compiled to out/test/runner, or run from test/runner by tools that read the source.
const compiled = path.basename(path.resolve(__dirname, '..', '..')) === 'out';

/** The repository root. */
export const repoRoot = path.resolve(__dirname, compiled ? '../../..' : '../..');

/** Ignored folder for downloaded tools (see .gitignore). */
export const cacheDir = path.join(repoRoot, '.cache');
