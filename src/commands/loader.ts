import { join } from 'node:path';

export type Commands = typeof import('./feature');

/**
 * The command implementations, from their own bundle (dist/commands.js, built
 * from ./feature), required the first time a command runs: activation only
 * registers the commands, so it does not pay for parsing them.
 */
export function commandsLoader(extensionPath: string): () => Commands {
  let loaded: Commands | undefined;
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded ??= require(join(extensionPath, 'dist', 'commands.js')) as Commands;
    return loaded;
  };
}
