// A user's first session with the packaged extension, step by step, in
// code-server driven by headless Chromium: open the view, sign in through the
// browser (the emulator's real consent page), browse, create and revoke an API
// token, add a second account and switch between the two, let another
// extension pick one, sign out of each. Each step waits for what the user would see; none sleeps.
import * as assert from 'assert';
import * as path from 'path';
import type { Page } from 'playwright-core';
import type { Emulator } from '../emulator/server';
import type { VsCodeBrowserSession } from '../runner/session';
import { Workbench } from './workbench';

const SEEDED_WORKSPACES = ['Personal', 'Analytical Engines', 'Babbage Labs'];
const SEEDED_TOKENS = ['ci-pipeline', 'laptop', 'deploy-bot'];
const ACCOUNT = 'ada@example.com';
/** The second identity the emulator's SSO page signs in as (its `ssoEmail`). */
const SECOND_ACCOUNT = 'grace@example.com';
const TOKEN_DESCRIPTION = 'e2e-release-pipeline';
const SANDBOX_TASK = 'e2e-preview';
const SANDBOX_IMAGE = 'modbox/ubuntu';
const SANDBOX_TTL = '30 min';
const UI_TIMEOUT = 30_000;

export interface JourneyContext {
  session: VsCodeBrowserSession;
  emulator: Emulator;
  /** Where screenshots go (test-results/e2e-<VS Code version>). */
  shotsDir: string;
  log(line: string): void;
}

export interface Step {
  name: string;
  run(): Promise<void>;
}

interface TokenListing {
  description: string;
}

/** What GET /api-tokens/ answers for Ada right now (through HTTP, with a freshly minted session). */
async function listedTokenDescriptions(emulator: Emulator): Promise<string[]> {
  const minted = emulator.mintSession();
  const res = await fetch(`${emulator.url}/api-tokens/`, {
    headers: { authorization: `Bearer ${minted.access_token}` },
    signal: AbortSignal.timeout(10_000),
  });
  assert.strictEqual(res.status, 200, 'listing API tokens failed');
  return ((await res.json()) as TokenListing[]).map((t) => t.description);
}

/** Waits (polling the in-process emulator, no fixed sleep) until `read()` reaches `want`. */
async function eventuallyCount(read: () => number, want: number, message: string): Promise<void> {
  const until = Date.now() + UI_TIMEOUT;
  while (read() < want && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.strictEqual(read(), want, message);
}

export function journey(ctx: JourneyContext): { steps: Step[]; token(): string | undefined } {
  const { session, emulator } = ctx;
  const page: Page = session.page;
  const wb = new Workbench(page);
  let createdToken: string | undefined;
  const shot = async (name: string): Promise<void> => {
    // The pointer rests on the editor, so no hover covers the picture (a lingering one only spoils the image).
    await page.mouse.move(900, 650, { steps: 5 });
    await page.locator('.workbench-hover-container').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    const file = path.join(ctx.shotsDir, name);
    await page.screenshot({ path: file });
    ctx.log(`screenshot ${path.relative(process.cwd(), file)}`);
  };
  const visible = { state: 'visible', timeout: UI_TIMEOUT } as const;
  const gone = { state: 'hidden', timeout: UI_TIMEOUT } as const;

  /** After "Continue with GitHub": the emulator's consent page opens in the browser, shows `account`, and the user continues. */
  const approveInBrowser = async (account: string): Promise<void> => {
    // VS Code asks before opening a site that is not trusted yet: the user says Open.
    const isConsentPage = (u: URL): boolean => u.origin === emulator.url && u.pathname === '/auth/sso/github';
    const popup = session.waitForPopup(isConsentPage, UI_TIMEOUT);
    const linkDialog = wb.dialog(/open the external website/i);
    const first = await Promise.race([
      popup.then(() => 'popup' as const),
      linkDialog.waitFor(visible).then(() => 'dialog' as const),
    ]);
    if (first === 'dialog') {
      ctx.log('VS Code asked to open the external website: Open');
      await wb.dialogButton(linkDialog, 'Open').click();
    }
    const consent = await popup;
    await consent.getByText('Sign in to Modbox with GitHub').first().waitFor(visible);
    await consent.getByText(account).first().waitFor(visible);
    await consent.locator('#continue').click();
    // The relay page (behind code-server's login, through /proxy/<port>/) reached VS Code.
    await consent.getByText('You can close this tab and return to VS Code.').waitFor(visible);
  };

  const steps: Step[] = [
    {
      name: 'the Modbox view shows the signed-out welcome',
      async run() {
        // A cold start: VS Code 1.139 (chat panel and all) takes about twice as long as 1.99
        // before the extension host runs and activation fills the welcome views.
        const coldStart = { state: 'visible', timeout: 120_000 } as const;
        await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 120_000 });
        await wb.activityBarItem('Modbox').click({ timeout: 120_000 });
        await wb.welcome('Workspaces').getByRole('button', { name: 'Sign in to Modbox' }).waitFor(coldStart);
        await wb.welcome('API Tokens').getByRole('button', { name: 'Sign in to Modbox' }).waitFor(visible);
        await shot('signed-out.png');
      },
    },
    {
      name: 'signing in with GitHub in the browser fills the views',
      async run() {
        await wb.welcome('Workspaces').getByRole('button', { name: 'Sign in to Modbox' }).click();
        await wb.quickPickItem('Continue with GitHub').click({ timeout: UI_TIMEOUT });
        await approveInBrowser(ACCOUNT);

        for (const name of SEEDED_WORKSPACES) {
          await wb.row('Workspaces', name).waitFor(visible);
        }
        for (const name of SEEDED_TOKENS) {
          await wb.row('API Tokens', name).waitFor(visible);
        }
        await wb.notification(`Signed in to Modbox as ${ACCOUNT}`).waitFor(visible);

        await wb.activityBarItem('Accounts').click();
        await wb.menuItem(`${ACCOUNT} (Modbox)`).waitFor(visible);
        await page.keyboard.press('Escape');
        await wb.menuItem(`${ACCOUNT} (Modbox)`).waitFor(gone);

        // Show what a workspace holds, and pick the active one from the status bar.
        // (The picker first: focus then ends in the tree, not on the status bar item and its hover.)
        await wb.statusBarItem('Modbox: no workspace').click({ timeout: UI_TIMEOUT });
        await wb.quickPickItem('Analytical Engines').click({ timeout: UI_TIMEOUT });
        // A folder is open: for this folder or for all folders.
        await wb.quickPickItem('For all folders').click({ timeout: UI_TIMEOUT });
        await wb.statusBarItem('Analytical Engines').waitFor(visible);
        await wb.row('Workspaces', 'Analytical Engines').click();
        await wb.row('Workspaces', 'grace@example.com').waitFor(visible);
        await wb.row('Workspaces', 'alan@example.com').waitFor(visible);
        await wb.notification(`Signed in to Modbox as ${ACCOUNT}`).waitFor({ state: 'hidden', timeout: 20_000 }).catch(() => undefined);
        await shot('sidebar.png');
      },
    },
    {
      name: 'Create API Token shows the new token once, and Copy copies it',
      async run() {
        const header = wb.paneHeader('API Tokens');
        await header.hover();
        await header.locator('.actions a.action-label[aria-label="Create API Token"]').click({ timeout: UI_TIMEOUT });
        const input = wb.quickInputBox();
        await input.waitFor(visible);
        await input.fill(TOKEN_DESCRIPTION);
        await input.press('Enter');

        const dialog = wb.dialog(`API token '${TOKEN_DESCRIPTION}' created`);
        await dialog.waitFor(visible);
        const detail = await dialog.locator('.dialog-message-detail').innerText();
        const match = /mbx_[A-Za-z0-9_-]{8,}/.exec(detail);
        assert.ok(match, 'the dialog shows no mbx_ token');
        createdToken = match[0];
        assert.ok(emulator.data().tokensByValue.has(createdToken), 'the value shown is not a token Modbox issued');
        assert.ok((await listedTokenDescriptions(emulator)).includes(TOKEN_DESCRIPTION), 'Modbox does not list the new token');
        await shot('token-created.png');

        await wb.dialogButton(dialog, 'Copy').click();
        await dialog.waitFor(gone);
        await wb.notification('Copied.').waitFor(visible);
        const clipboard = await page.evaluate(() => navigator.clipboard.readText());
        assert.ok(clipboard === createdToken, 'the clipboard does not hold the token shown');
        await wb.row('API Tokens', TOKEN_DESCRIPTION).waitFor(visible);
      },
    },
    {
      name: 'the trash icon revokes the token after a confirmation',
      async run() {
        assert.ok(createdToken, 'no token was created');
        const row = wb.row('API Tokens', TOKEN_DESCRIPTION);
        await row.hover();
        await row.locator('.actions a.action-label[aria-label="Revoke API Token"]').click({ timeout: UI_TIMEOUT });
        const confirm = wb.dialog(`Revoke '${TOKEN_DESCRIPTION}'?`);
        await confirm.waitFor(visible);
        await wb.dialogButton(confirm, 'Revoke').click();
        await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
        for (const name of SEEDED_TOKENS) {
          await wb.row('API Tokens', name).waitFor(visible);
        }
        assert.ok(!emulator.data().tokensByValue.has(createdToken), 'Modbox still accepts the revoked token');
        assert.ok(!(await listedTokenDescriptions(emulator)).includes(TOKEN_DESCRIPTION), 'Modbox still lists the revoked token');
      },
    },
    {
      name: 'Create Sandbox with an image and a TTL waits until it runs, and Open opens its URL',
      async run() {
        // The active workspace (Analytical Engines, chosen above) is the one the view lists.
        const header = wb.paneHeader('Sandboxes');
        await header.waitFor(visible);
        if ((await header.getAttribute('aria-expanded')) === 'false') {
          await header.click();
        }
        await header.hover();
        await header.locator('.actions a.action-label[aria-label="Create Sandbox"]').click({ timeout: UI_TIMEOUT });
        const input = wb.quickInputBox();
        await input.waitFor(visible);
        await input.fill(SANDBOX_TASK);
        await input.press('Enter');
        await wb.quickPickItem(SANDBOX_IMAGE).first().click({ timeout: UI_TIMEOUT });
        await wb.quickPickItem(SANDBOX_TTL).first().click({ timeout: UI_TIMEOUT });
        // No environment variables: an empty answer creates the sandbox (the title tells this prompt from the pickers).
        await wb.quickInput().locator('.quick-input-title', { hasText: 'Environment Variables' }).waitFor(visible);
        await input.fill('');
        await input.press('Enter');

        const running = wb.notification(`Sandbox '${SANDBOX_TASK}' is running.`);
        await running.waitFor({ state: 'visible', timeout: 60_000 });
        const live = [...emulator.data().sandboxes.values()].find((s) => s.taskId === SANDBOX_TASK && !s.destroyedAt);
        assert.ok(live, 'Modbox has no such sandbox');
        assert.strictEqual(live.image, 'modbox/ubuntu:24.04', 'the image picked is not the one provisioned');
        assert.strictEqual(live.ttlSeconds, 30 * 60, 'the TTL picked is not the one provisioned');
        await wb.row('Sandboxes', SANDBOX_TASK).waitFor(visible);

        const isSandboxPage = (u: URL): boolean => u.origin === emulator.url && u.pathname === `/__sandbox/${live.id}/`;
        const popup = session.waitForPopup(isSandboxPage, UI_TIMEOUT);
        await running.getByRole('button', { name: 'Open', exact: true }).click();
        const linkDialog = wb.dialog(/open the external website/i);
        const first = await Promise.race([
          popup.then(() => 'popup' as const),
          linkDialog.waitFor(visible).then(() => 'dialog' as const),
        ]);
        if (first === 'dialog') {
          ctx.log('VS Code asked to open the external website: Open');
          await wb.dialogButton(linkDialog, 'Open').click();
        }
        const opened = await popup;
        await opened.getByText(`sandbox ${SANDBOX_TASK} running`).first().waitFor(visible);
        await opened.close();
        await running.waitFor({ state: 'hidden', timeout: 20_000 }).catch(() => undefined);
        // For the picture: the other two views folded and the sidebar wider, so the row's description shows whole.
        const toggle = async (title: string, expanded: 'true' | 'false'): Promise<void> => {
          const pane = wb.paneHeader(title);
          if ((await pane.getAttribute('aria-expanded')) !== expanded) {
            await pane.click({ position: { x: 40, y: 10 } });
          }
        };
        await toggle('Workspaces', 'false');
        await toggle('API Tokens', 'false');
        const sidebar = await page.locator('.part.sidebar').boundingBox();
        if (sidebar) {
          const edge = { x: sidebar.x + sidebar.width - 1, y: sidebar.y + sidebar.height / 2 };
          await page.mouse.move(edge.x, edge.y);
          await page.mouse.down();
          await page.mouse.move(edge.x + 200, edge.y, { steps: 10 });
          await page.mouse.up();
        }
        await shot('sandboxes.png');
        await toggle('Workspaces', 'true');
        await toggle('API Tokens', 'true');
      },
    },
    {
      name: 'the trash icon destroys the sandbox after a confirmation naming it and its workspace',
      async run() {
        const row = wb.row('Sandboxes', SANDBOX_TASK);
        await row.hover();
        await row.locator('.actions a.action-label[aria-label="Destroy Sandbox"]').click({ timeout: UI_TIMEOUT });
        const confirm = wb.dialog(`Destroy sandbox '${SANDBOX_TASK}' in workspace 'Analytical Engines'?`);
        await confirm.waitFor(visible);
        await wb.dialogButton(confirm, 'Destroy').click();
        await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
        const left = [...emulator.data().sandboxes.values()].filter((s) => s.taskId === SANDBOX_TASK && !s.destroyedAt);
        assert.deepStrictEqual(left, [], 'Modbox still runs the destroyed sandbox');
      },
    },
    {
      name: 'signing in with a second identity adds an account, and the switcher changes whose workspaces the sidebar shows',
      async run() {
        emulator.setConfig({ ssoEmail: SECOND_ACCOUNT });
        try {
          const header = wb.paneHeader('Workspaces');
          await header.hover();
          await header.locator('.actions a.action-label[aria-label="Switch Account"]').click({ timeout: UI_TIMEOUT });
          await wb.quickPickItem('Add Another Account').click({ timeout: UI_TIMEOUT });
          await wb.quickPickItem('Continue with GitHub').click({ timeout: UI_TIMEOUT });
          await approveInBrowser(SECOND_ACCOUNT);
        } finally {
          emulator.setConfig({ ssoEmail: ACCOUNT });
        }
        await wb.notification(`Signed in to Modbox as ${SECOND_ACCOUNT}`).waitFor(visible);
        await wb.row('Workspaces', "Grace's Workspace").waitFor(visible);
        await wb.row('Workspaces', 'Personal').waitFor(gone);
        await wb.statusBarItem(SECOND_ACCOUNT).waitFor(visible);

        await wb.activityBarItem('Accounts').click();
        await wb.menuItem(`${ACCOUNT} (Modbox)`).waitFor(visible);
        await wb.menuItem(`${SECOND_ACCOUNT} (Modbox)`).waitFor(visible);
        await page.keyboard.press('Escape');
        await wb.menuItem(`${ACCOUNT} (Modbox)`).waitFor(gone);

        // Back to Ada from the status bar: her workspaces and her active workspace return.
        await wb.statusBarItem(SECOND_ACCOUNT).click({ timeout: UI_TIMEOUT });
        await wb.quickPickItem(ACCOUNT).click({ timeout: UI_TIMEOUT });
        for (const name of SEEDED_WORKSPACES) {
          await wb.row('Workspaces', name).waitFor(visible);
        }
        await wb.row('Workspaces', "Grace's Workspace").waitFor(gone);
        await wb.statusBarItem(ACCOUNT).waitFor(visible);
        await wb.statusBarItem('Analytical Engines').waitFor(visible);
        // Focus goes back to the tree: a focused status bar item keeps its hover open, which later steps would read.
        await wb.row('Workspaces', 'Personal').click();
        await page.mouse.move(900, 650, { steps: 5 });
        await page.locator('.workbench-hover-container').waitFor(gone);
      },
    },
    {
      name: 'another extension gets a Modbox session through getSession: with two accounts VS Code asks which',
      async run() {
        const input = await wb.openCommandPalette(UI_TIMEOUT);
        await input.fill('>Modbox Consumer: Use Modbox Session');
        await wb.quickPickItem('Modbox Consumer: Use Modbox Session').click({ timeout: UI_TIMEOUT });
        const consent = wb.dialog("The extension 'Modbox Consumer' wants to sign in using Modbox.");
        const picker = wb.quickPickItem(SECOND_ACCOUNT);
        const first = await Promise.race([
          consent.waitFor(visible).then(() => 'dialog' as const),
          picker.waitFor(visible).then(() => 'picker' as const),
        ]);
        ctx.log(`VS Code asked through its ${first === 'picker' ? 'account picker' : 'consent dialog'}`);
        if (first === 'dialog') {
          await wb.dialogButton(consent, 'Allow').click();
          await picker.waitFor(visible);
        }
        // Both accounts are offered; the user picks Ada.
        await wb.quickPickItem(ACCOUNT).click({ timeout: UI_TIMEOUT });
        await wb.notification(`Modbox Consumer: ${ACCOUNT}, GET /workspaces 200 [call 1]`).waitFor(visible);
      },
    },
    {
      name: 'VS Code remembers the consumer\'s account; asking with clearSessionPreference brings the picker back',
      async run() {
        const command = async (title: string): Promise<void> => {
          const input = await wb.openCommandPalette(UI_TIMEOUT);
          await input.fill(`>${title}`);
          await wb.quickPickItem(title).click({ timeout: UI_TIMEOUT });
        };
        // Remembered: the answer comes without a picker (an open picker would hold it back).
        await command('Modbox Consumer: Use Modbox Session');
        await wb.notification(`Modbox Consumer: ${ACCOUNT}, GET /workspaces 200 [call 2]`).waitFor(visible);
        await command('Modbox Consumer: Ask Again for a Modbox Session');
        // VS Code 1.99 asks for consent again before its picker.
        const consent = wb.dialog("The extension 'Modbox Consumer' wants to sign in using Modbox.");
        const picker = wb.quickPickItem(SECOND_ACCOUNT);
        const first = await Promise.race([
          consent.waitFor(visible).then(() => 'dialog' as const),
          picker.waitFor(visible).then(() => 'picker' as const),
        ]);
        if (first === 'dialog') {
          await wb.dialogButton(consent, 'Allow').click();
          await picker.waitFor(visible);
        }
        await wb.quickPickItem(ACCOUNT).waitFor(visible);
        ctx.log('with clearSessionPreference VS Code asked again which account');
        await wb.quickPickItem(SECOND_ACCOUNT).click({ timeout: UI_TIMEOUT });
        await wb.notification(`Modbox Consumer: ${SECOND_ACCOUNT}, GET /workspaces 200 [call 3]`).waitFor(visible);
      },
    },
    {
      name: 'signing out of each account from the Accounts menu ends only its session, then brings the welcome back',
      async run() {
        for (const [label, next] of [[ACCOUNT, "Grace's Workspace"], [SECOND_ACCOUNT, undefined]] as const) {
          const logoutsBefore = emulator.stats().logoutCalls;
          await wb.activityBarItem('Accounts').click();
          const account = wb.menuItem(`${label} (Modbox)`);
          await account.hover({ timeout: UI_TIMEOUT });
          await wb.menuItem('Sign Out').click({ timeout: UI_TIMEOUT });
          const confirm = wb.dialog(/sign out/i);
          await confirm.waitFor(visible);
          await wb.dialogButton(confirm, 'Sign Out').click();
          if (next) {
            // The other account is still signed in: the sidebar shows it.
            await wb.row('Workspaces', next).waitFor(visible);
            await wb.statusBarItem('Analytical Engines').waitFor(gone);
          }
          await eventuallyCount(() => emulator.stats().logoutCalls, logoutsBefore + 1, 'the session was not ended on the server');
        }
        await wb.welcome('Workspaces').getByRole('button', { name: 'Sign in to Modbox' }).waitFor(visible);
        await wb.welcome('API Tokens').getByRole('button', { name: 'Sign in to Modbox' }).waitFor(visible);
        await wb.statusBarItem(SECOND_ACCOUNT).waitFor(gone);
      },
    },
  ];
  return { steps, token: () => createdToken };
}
