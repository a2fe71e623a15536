// Real VS Code in a browser: code-server plus headless Debian Chromium driven
// by playwright-core. Used by the integration runner, `npm start` and e2e tests.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { format } from 'util';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { CodeServer, CodeServerAuth, codeServerNodeEnv, ensureCodeServer, requestedVsCodeVersion, startCodeServer } from './codeServer';
import { repoRoot } from './paths';
import { runCommand } from './spawn';
import { redact } from '../../src/log/redact';

export const CHROMIUM_PATH = process.env.MODBOX_CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  // Tests talk to loopback only: names other than localhost do not resolve.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.* , EXCLUDE [::1]',
];

/** A URL safe to log: query and fragment (where tokens travel) are replaced. */
export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '<unparsable url>';
  }
  if (u.protocol === 'about:' || u.protocol === 'data:' || u.protocol === 'blob:') {
    return `${u.protocol}${u.protocol === 'about:' ? u.pathname : '...'}`;
  }
  // A query or fragment percent-encoded into the path (a URL-building bug) is cut as well.
  const cut = u.pathname.search(/%3F|%23/i);
  const pathname = cut >= 0 ? `${u.pathname.slice(0, cut)}<redacted>` : u.pathname;
  return redact(`${u.origin}${pathname}${u.search ? '?<redacted>' : ''}${u.hash ? '#<redacted>' : ''}`);
}

/**
 * The workbench URL that opens folder and, through the `payload` parameter,
 * loads the extension (and tests) in development mode. VS Code 1.99 honours
 * that payload; 1.139 ignores it in built products such as code-server (see
 * launchVsCodeInBrowser for the way that works in both), so this URL is for
 * `npm start` on the default 1.99.3.
 */
export function workbenchUrl(serverUrl: string, folder: string, dev: { extensionDevelopmentPath?: string; extensionTestsPath?: string }): string {
  const authority = new URL(serverUrl).host;
  const remote = (p: string): string => `vscode-remote://${authority}${p}`;
  const payload: [string, string][] = [];
  if (dev.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remote(dev.extensionDevelopmentPath)]);
  }
  if (dev.extensionTestsPath) {
    payload.push(['extensionTestsPath', remote(dev.extensionTestsPath)]);
  }
  const query = new URLSearchParams({ folder });
  if (payload.length > 0) {
    query.set('payload', JSON.stringify(payload));
  }
  return `${serverUrl}/?${query.toString()}`;
}

export interface LaunchOptions {
  /** User settings (merged over the harness defaults), e.g. { 'modbox.apiUrl': emulatorUrl }. */
  settings?: Record<string, unknown>;
  /** Environment of code-server and so of the extension host. */
  env?: Record<string, string>;
  /** Extension under development; the repo root by default, null for none. */
  extensionDevelopmentPath?: string | null;
  /** A tests entry exporting run(); VS Code runs it and reports through session.exitCode. */
  extensionTestsPath?: string;
  /** Folder to open; a fresh empty temp folder by default. */
  folder?: string;
  /** code-server port on 127.0.0.1; free one by default. */
  port?: number;
  /** Where harness and extension host lines go; console.log by default. Lines are already redacted. */
  log?: (line: string) => void;
  /**
   * Origins VS Code may open without its "Do you want to open the external
   * website?" dialog (which tests cannot answer), e.g. the emulator's URL.
   */
  trustedDomains?: string[];
  /**
   * Extension ids allowed to use auth sessions without VS Code's consent dialog
   * ("The extension ... wants to sign in using ..."), which tests cannot answer.
   * Web only: desktop VS Code has no such switch.
   */
  trustedExtensionAuthAccess?: string[];
  /** Called for every page the workbench opens (openExternal, popups), after it is tracked. */
  onPage?: (page: Page) => void | Promise<void>;
  /**
   * .vsix files installed with `code-server --install-extension` into the
   * run's fresh extensions dir before the server starts (as a user installs them).
   */
  installExtensions?: string[];
  /** VS Code version (see codeServer.ts RELEASES); requestedVsCodeVersion() by default. */
  vscodeVersion?: string;
  /**
   * code-server's auth. With 'password' the browser first lands on code-server's
   * login page and the password is typed into it, as a user does. 'none' by default.
   */
  auth?: CodeServerAuth;
  /** Browser viewport; Playwright's 1280x720 by default. */
  viewport?: { width: number; height: number };
  /**
   * Clicks "Allow" whenever VS Code asks "The extension 'Modbox' wants to sign
   * in using Modbox." (its consent dialog for getSession), which suites running
   * inside the extension host cannot answer themselves.
   */
  autoAllowAuthConsent?: boolean;
}

export interface VsCodeBrowserSession {
  browser: Browser;
  context: BrowserContext;
  /** The workbench page. */
  page: Page;
  codeServer: CodeServer;
  /** The workbench URL that was opened. */
  url: string;
  folder: string;
  /** Settles with the code VS Code passed to codeAutomationExit (after an extensionTestsPath run). */
  exitCode: Promise<number>;
  /** Pages opened by the workbench so far (popups and new tabs), oldest first. */
  popups(): Page[];
  /**
   * A page opened by the workbench whose current URL satisfies predicate,
   * already open or opened within timeoutMs (checked on every navigation).
   */
  waitForPopup(predicate: (url: URL) => boolean, timeoutMs: number): Promise<Page>;
  /** How many times autoAllowAuthConsent clicked "Allow" so far. */
  authConsentsAllowed(): number;
  /** Closes the browser, stops code-server and removes temp dirs. Safe to call twice. */
  close(): Promise<void>;
}

/** VS Code's consent dialog for an extension asking for a Modbox session. */
export const AUTH_CONSENT_TEXT = "wants to sign in using Modbox";

/** Installs .vsix files into extensionsDir the way `code-server --install-extension` does for a user. */
export async function installVsix(vsixPaths: string[], extensionsDir: string, log: (line: string) => void, vscodeVersion: string = requestedVsCodeVersion()): Promise<void> {
  const bin = await ensureCodeServer(vscodeVersion);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-install-'));
  try {
    const args = ['--user-data-dir', path.join(root, 'user-data'), '--extensions-dir', extensionsDir];
    for (const vsix of vsixPaths) {
      args.push('--install-extension', vsix);
    }
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('VSCODE_') && !k.startsWith('npm_')) {
        env[k] = v;
      }
    }
    Object.assign(env, codeServerNodeEnv(vscodeVersion), { XDG_CONFIG_HOME: path.join(root, 'xdg-config'), XDG_DATA_HOME: path.join(root, 'xdg-data'), EXTENSIONS_GALLERY: '{}' });
    await runCommand(bin, args, {
      env,
      timeoutMs: 120_000,
      onOutput: (text) => text.split(/\r?\n/).filter((l) => l.trim()).forEach((l) => log(`[install] ${l}`)),
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Polls the workbench for VS Code's Modbox consent dialog and clicks "Allow".
 * Returns a stop function and a counter. Never throws: the page may close at any time.
 */
function watchAuthConsent(page: Page, log: (line: string) => void): { stop(): void; allowed(): number } {
  let stopped = false;
  let allowed = 0;
  let timer: NodeJS.Timeout | undefined;
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: AUTH_CONSENT_TEXT });
  const tick = async (): Promise<void> => {
    if (stopped || page.isClosed()) {
      return;
    }
    try {
      if ((await dialog.count()) > 0) {
        await dialog.getByRole('button', { name: 'Allow', exact: true }).click({ timeout: 2_000 });
        allowed++;
        log('[browser] allowed VS Code\'s Modbox sign-in consent dialog');
      }
    } catch (e) {
      if (!stopped && !page.isClosed()) {
        log(`[browser] consent watcher: ${redact(e instanceof Error ? e.message.split('\n')[0] : String(e))}`);
      }
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), 250);
    }
  };
  void tick();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
    allowed: () => allowed,
  };
}

/**
 * Types the password into code-server's login page (where an unauthenticated
 * visit lands) and submits it; code-server then redirects to the address first
 * asked for, query included.
 */
async function logIn(page: Page, password: string, log: (line: string) => void): Promise<void> {
  if (!new URL(page.url()).pathname.endsWith('/login')) {
    throw new Error(`code-server runs with --auth password but did not ask to log in (at ${redactUrl(page.url())})`);
  }
  const box = page.locator('.login-form input[name="password"]');
  await box.waitFor({ state: 'visible', timeout: 30_000 });
  await box.pressSequentially(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.endsWith('/login'), { waitUntil: 'commit', timeout: 60_000 }),
    page.locator('.login-form input[type="submit"]').click(),
  ]);
  log(`[browser] logged in to code-server with its password; now at ${redactUrl(page.url())}`);
}

// The workbench passes console-style arguments (a format string first).
function formatLogArgs(args: unknown): string {
  const list: unknown[] = Array.isArray(args) ? args : [args];
  return format(...list);
}

/**
 * Starts code-server and headless Chromium and opens the workbench. Pages the
 * workbench opens (vscode.env.openExternal opens a new window in the web host)
 * are kept open and allowed to load so that redirects in them complete; their
 * URLs are logged with query and fragment redacted.
 */
export async function launchVsCodeInBrowser(opts: LaunchOptions = {}): Promise<VsCodeBrowserSession> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const vscodeVersion = opts.vscodeVersion ?? requestedVsCodeVersion();
  const ownFolder = opts.folder === undefined;
  const folder = opts.folder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-workspace-'));
  let codeServer: CodeServer | undefined;
  let browser: Browser | undefined;
  let closing: Promise<void> | undefined;
  let consent: { stop(): void; allowed(): number } | undefined;
  let extensionsRoot: string | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      consent?.stop();
      await browser?.close().catch((e: unknown) => log(`[browser] close failed: ${String(e)}`));
      await codeServer?.stop();
      if (ownFolder) {
        fs.rmSync(folder, { recursive: true, force: true });
      }
      if (extensionsRoot) {
        fs.rmSync(extensionsRoot, { recursive: true, force: true });
      }
    })();
    return closing;
  };

  try {
    let extensionsDir: string | undefined;
    if (opts.installExtensions && opts.installExtensions.length > 0) {
      extensionsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-extensions-'));
      extensionsDir = extensionsRoot;
      await installVsix(opts.installExtensions, extensionsDir, (line) => log(redact(line)), vscodeVersion);
    }
    codeServer = await startCodeServer({
      vscodeVersion,
      extensionsDir,
      port: opts.port,
      env: opts.env,
      settings: opts.settings,
      log: (line) => log(`[code-server] ${redact(line)}`),
      auth: opts.auth,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    browser.on('disconnected', () => log('[browser] disconnected'));
    const context = await browser.newContext(opts.viewport ? { viewport: opts.viewport } : {});
    const page = await context.newPage();

    let resolveExit: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      log(`[vscode] codeAutomationExit(${code})`);
      resolveExit(Number(code));
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      // The workbench's log, which includes the extension host's console output.
      log(`[vscode:${type}] ${redact(formatLogArgs(args))}`);
    });
    page.on('pageerror', (e) => log(`[workbench:pageerror] ${redact(e.message)}`));
    page.on('crash', () => log('[workbench] page crashed'));

    const popups: Page[] = [];
    const waiters = new Set<() => void>();
    const notify = (): void => waiters.forEach((w) => w());
    context.on('page', (p) => {
      if (p === page) {
        return;
      }
      popups.push(p);
      log(`[browser] new page opened: ${redactUrl(p.url())}`);
      p.on('framenavigated', (frame) => {
        if (frame === p.mainFrame()) {
          log(`[browser] page navigated: ${redactUrl(frame.url())}`);
          notify();
        }
      });
      p.on('close', () => log(`[browser] page closed: ${redactUrl(p.url())}`));
      p.on('pageerror', (e) => log(`[browser:pageerror] ${redact(e.message)}`));
      // Leave dialogs to the test only if it asked for pages; otherwise accept so nothing hangs.
      if (!opts.onPage) {
        p.on('dialog', (d) => void d.accept().catch(() => undefined));
      }
      notify();
      if (opts.onPage) {
        Promise.resolve()
          .then(() => opts.onPage?.(p))
          .catch((e: unknown) => log(`[browser] onPage handler failed: ${redact(String(e))}`));
      }
    });

    const waitForPopup = (predicate: (url: URL) => boolean, timeoutMs: number): Promise<Page> =>
      new Promise<Page>((resolve, reject) => {
        const check = (): boolean => {
          const found = popups.find((p) => {
            try {
              return !p.isClosed() && predicate(new URL(p.url()));
            } catch {
              return false;
            }
          });
          if (found) {
            cleanup();
            resolve(found);
          }
          return !!found;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching page opened within ${timeoutMs} ms (pages: ${popups.map((p) => redactUrl(p.url())).join(', ') || 'none'})`));
        }, timeoutMs);
        const waiter = (): void => void check();
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
        check();
      });

    const trustedDomains = opts.trustedDomains ?? [];
    const trustedAuth = opts.trustedExtensionAuthAccess ?? [];
    const extensionDevelopmentPath = opts.extensionDevelopmentPath === null ? undefined : (opts.extensionDevelopmentPath ?? repoRoot);
    // The extension under development and the tests entry go in the embedder's
    // developmentOptions, which 1.99 and 1.139 both read. VS Code 1.139 reads the
    // URL's `payload` dev entries only in unbuilt VS Code or with the smoke-test
    // driver on (resolveExtensionHostDebugEnvironment), so code-server ignores them.
    const authority = new URL(codeServer.url).host;
    const remote = (p: string): { scheme: string; authority: string; path: string } => ({ scheme: 'vscode-remote', authority, path: p });
    const developmentOptions = {
      ...(extensionDevelopmentPath ? { extensions: [remote(extensionDevelopmentPath)] } : {}),
      ...(opts.extensionTestsPath ? { extensionTestsPath: remote(opts.extensionTestsPath) } : {}),
    };
    if (trustedDomains.length > 0 || trustedAuth.length > 0 || Object.keys(developmentOptions).length > 0) {
      // VS Code web reads its embedder options (additionalTrustedDomains,
      // productConfiguration, developmentOptions) from this element's
      // data-settings, which code-server fills. Rewriting the HTML response
      // instead broke the workbench's WebSockets.
      await page.addInitScript(({ domains, auth, dev }: { domains: string[]; auth: string[]; dev: Record<string, unknown> }) => {
        const original = Element.prototype.getAttribute;
        Element.prototype.getAttribute = function (this: Element, name: string): string | null {
          const value = original.call(this, name);
          if (value && name === 'data-settings' && this.id === 'vscode-workbench-web-configuration') {
            const config = JSON.parse(value) as { additionalTrustedDomains?: string[]; productConfiguration?: { trustedExtensionAuthAccess?: string[] }; developmentOptions?: Record<string, unknown> };
            const product = config.productConfiguration ?? {};
            return JSON.stringify({
              ...config,
              additionalTrustedDomains: [...(config.additionalTrustedDomains ?? []), ...domains],
              productConfiguration: auth.length > 0 ? { ...product, trustedExtensionAuthAccess: [...(product.trustedExtensionAuthAccess ?? []), ...auth] } : product,
              developmentOptions: { ...config.developmentOptions, ...dev },
            });
          }
          return value;
        };
      }, { domains: trustedDomains, auth: trustedAuth, dev: developmentOptions });
    }

    const url = workbenchUrl(codeServer.url, folder, {});
    log(`[browser] opening ${redactUrl(url)}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    if (codeServer.password !== undefined) {
      await logIn(page, codeServer.password, log);
    }
    if (opts.autoAllowAuthConsent) {
      consent = watchAuthConsent(page, log);
    }
    return {
      browser, context, page, codeServer, url, folder, exitCode,
      popups: () => [...popups],
      waitForPopup,
      authConsentsAllowed: () => consent?.allowed() ?? 0,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
