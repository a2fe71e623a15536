// `npm start`: try the extension by hand against the Modbox emulator.
// Desktop VS Code when a `code` binary is on PATH (pass --code-server to skip
// it), otherwise code-server 4.99.4 on 127.0.0.1 to open in your browser.
// Runs until Ctrl+C, then stops everything and removes its temp dirs.
//   MODBOX_EMULATOR_PORT (default 4555), MODBOX_CODE_SERVER_PORT (default 8080 or the next free one)
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startEmulator } from '../emulator/server';
import type { Emulator } from '../emulator/server';
import { BASE_SETTINGS, CODE_SERVER_DEBIAN_PACKAGES, CodeServer, ensureCodeServer, ensureDebianPackages, startCodeServer } from './codeServer';
import { firstFreePort } from './net';
import { repoRoot } from './paths';
import { workbenchUrl } from './session';

const EMULATOR_HOST = '127.0.0.2';

function desktopCode(): string | undefined {
  // Inside a code-server or remote terminal `code` is the remote CLI, not an editor.
  if (process.argv.includes('--code-server') || process.env.VSCODE_IPC_HOOK_CLI) {
    return undefined;
  }
  const found = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
  return found || undefined;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-start-'));
  const folder = path.join(tmp, 'workspace');
  fs.mkdirSync(folder);
  let emulator: Emulator | undefined;
  let codeServer: CodeServer | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log('\nstopping...');
    await Promise.allSettled([codeServer?.stop(), emulator?.close()]);
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const code = desktopCode();
    if (!code) {
      ensureDebianPackages(CODE_SERVER_DEBIAN_PACKAGES);
      await ensureCodeServer();
    }
    const emulatorPort = Number(process.env.MODBOX_EMULATOR_PORT) || 4555;
    try {
      emulator = await startEmulator({ host: EMULATOR_HOST, port: emulatorPort, log: (line) => console.log(`[emulator] ${line}`) });
    } catch (e) {
      throw new Error(`could not start the emulator on ${EMULATOR_HOST}:${emulatorPort} (${e instanceof Error ? e.message : String(e)}); set MODBOX_EMULATOR_PORT to another port`);
    }
    const settings = { 'modbox.apiUrl': emulator.url };
    const env = { MODBOX_EMULATOR_URL: emulator.url };

    if (code) {
      const userDataDir = path.join(tmp, 'user-data');
      fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
      fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
      const args = [`--extensionDevelopmentPath=${repoRoot}`, '--user-data-dir', userDataDir, '--extensions-dir', path.join(tmp, 'extensions'), '--new-window', '--disable-workspace-trust', folder];
      console.log(`Starting desktop VS Code (${code}) with the extension from ${repoRoot}, signed out, modbox.apiUrl = ${emulator.url}`);
      spawn(code, args, { stdio: 'inherit', env: { ...process.env, ...env } }).on('error', (e) => console.error(`could not start ${code}: ${e.message}`));
    } else {
      const port = Number(process.env.MODBOX_CODE_SERVER_PORT) || (await firstFreePort('127.0.0.1', 8080));
      codeServer = await startCodeServer({ port, env, settings, log: (line) => console.log(`[code-server] ${line}`) });
      void codeServer.exited.then(() => {
        if (!stopping) {
          console.error('code-server exited');
          void stop(1);
        }
      });
      console.log('');
      console.log(`Open ${workbenchUrl(codeServer.url, folder, { extensionDevelopmentPath: repoRoot })} in your browser`);
      console.log('  (VS Code 1.99.3 in code-server, the extension loaded from this folder in development mode, signed out;');
      console.log('   after `npm run build`, reload the page to pick up changes)');
    }
    console.log(`Modbox emulator: ${emulator.url} (modbox.apiUrl points there; control API under ${emulator.url}/__emulator/)`);
    console.log('Press Ctrl+C to stop.');
  } catch (e) {
    console.error(`start: ${e instanceof Error ? e.message : String(e)}`);
    await stop(1);
  }
}

void main();
