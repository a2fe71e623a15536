// Bundles the extension. Four entry points: the extension itself; the HTTP
// transport (undici), only loaded on the first network call; the command
// implementations, only loaded the first time a command runs; and the
// sign-in flows, only loaded when a sign-in runs or its callback arrives.
// The last three keep activation cheap.
import { writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// The integration tests' hooks expose secrets: the release build leaves them
// out entirely. `--test-hooks` keeps them in a minified build, for the bench.
const testHooks = !production || process.argv.includes('--test-hooks');
// `--outdir=DIR` builds elsewhere (the bundle test), leaving dist/ alone.
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';
// `--metafile=FILE` writes which sources went into which bundle (the bundle test reads it).
const metafile = process.argv.find((a) => a.startsWith('--metafile='))?.slice('--metafile='.length);

const options = {
  entryPoints: {
    extension: 'src/extension.ts',
    transport: 'src/api/transport/undiciTransport.ts',
    commands: 'src/commands/feature.ts',
    signIn: 'src/auth/signIn/bundle.ts',
  },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outdir,
  external: ['vscode'],
  define: { MODBOX_TEST_HOOKS_BUILD: String(testHooks) },
  minify: production,
  sourcemap: production ? 'external' : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  metafile: !!metafile,
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  const result = await esbuild.build(options);
  if (metafile) {
    writeFileSync(metafile, JSON.stringify(result.metafile));
  }
}
