// Bundles the extension. Two entry points: the extension itself, and the
// HTTP transport (undici), which is only loaded on the first network call so
// that activation stays cheap.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// The integration tests' hooks expose secrets: the release build leaves them
// out entirely. `--test-hooks` keeps them in a minified build, for the bench.
const testHooks = !production || process.argv.includes('--test-hooks');
// `--outdir=DIR` builds elsewhere (the bundle test), leaving dist/ alone.
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';

const options = {
  entryPoints: {
    extension: 'src/extension.ts',
    transport: 'src/api/transport/undiciTransport.ts',
    commands: 'src/commands/feature.ts',
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
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
