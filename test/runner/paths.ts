import * as path from 'path';

/** The repository root, from out/test/runner (compiled) or test/runner (source). */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');

/** Ignored folder for downloaded tools (see .gitignore). */
export const cacheDir = path.join(repoRoot, '.cache');
