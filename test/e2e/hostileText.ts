// Text written by the server or by other users is shown as text, checked in
// the rendered workbench: a teammate's workspace name, a token description and
// a server error detail each carry a Markdown command link, an image, HTML and
// a very long line. VS Code turns `[label](command:…)` in a notification into a
// clickable command, so the notifications, dialogs, pickers, status bar and
// hovers that show them must contain no command link and no image, and still
// read as written. Runs while the journey is signed in (before it signs out).
import * as assert from 'assert';
import { randomUUID } from 'crypto';
import type { Locator, Page } from 'playwright-core';
import { ADA_EMAIL, REALM } from '../emulator/data';
import type { Emulator } from '../emulator/server';
import type { VsCodeBrowserSession } from '../runner/session';
import { Workbench } from './workbench';

const UI_TIMEOUT = 30_000;
const COMMAND_LINK = '[Reload](command:workbench.action.reloadWindow)';
const IMAGE = '![x](https://example.invalid/x.png)';
const HTML = '<img src=x onerror=alert(1)><b>bold</b>';
const hostile = (what: string): string => `${what} ${COMMAND_LINK} ${IMAGE} ${HTML} ${what[0].repeat(2000)}`;

const WORKSPACE_NAME = hostile('Workspace');
const TOKEN_DESCRIPTION = hostile('Token');
const ERROR_DETAIL = hostile('Detail');
/** What the user still reads: the link's words, now inert. */
const READABLE_LINK = '[Reload] (command:workbench.action.reloadWindow)';

/** One check, in the journey's shape. */
export interface Step {
  name: string;
  run(): Promise<void>;
}

export interface HostileTextContext {
  session: VsCodeBrowserSession;
  emulator: Emulator;
  log(line: string): void;
}

/** Fails when `scope` holds anything VS Code made of the markup: a command link, any link, an image, HTML. */
async function assertInert(scope: Locator, what: string): Promise<string> {
  const commandLinks = await scope.locator('a[href^="command:"]').count();
  assert.strictEqual(commandLinks, 0, `${what} contains a clickable command link`);
  const links = await scope.locator('a[href]').count();
  assert.strictEqual(links, 0, `${what} contains a link`);
  const images = await scope.locator('img').count();
  assert.strictEqual(images, 0, `${what} contains an image`);
  // Our own hovers print the name in bold; the server's `<b>bold</b>` must not become an element.
  const html = await scope.locator('b, strong').filter({ hasText: /^bold$/ }).count();
  assert.strictEqual(html, 0, `${what} renders the server's HTML`);
  return (await scope.innerText()).replace(/\s+/g, ' ');
}

function assertReadable(text: string, what: string, ...expected: string[]): void {
  for (const part of expected) {
    assert.ok(text.includes(part), `${what} does not read "${part}": ${text.slice(0, 300)}`);
  }
}

export function hostileText(ctx: HostileTextContext): { steps: Step[] } {
  const { session, emulator } = ctx;
  const page: Page = session.page;
  const wb = new Workbench(page);
  const visible = { state: 'visible', timeout: UI_TIMEOUT } as const;
  const gone = { state: 'hidden', timeout: UI_TIMEOUT } as const;
  const hover = page.locator('.workbench-hover-container');

  const runCommand = async (title: string): Promise<void> => {
    const input = await wb.openCommandPalette(UI_TIMEOUT);
    await input.fill(`>${title}`);
    await wb.quickPickItem(title).first().click({ timeout: UI_TIMEOUT });
  };
  /** The open quick pick's row for the hostile item: checked for markup, then chosen. */
  const pickHostile = async (startsWith: string): Promise<void> => {
    const item = wb.quickPickItem(`${startsWith} [Reload]`).first();
    await item.waitFor(visible);
    const text = await assertInert(wb.quickInput(), 'the quick pick');
    assertReadable(text, 'the quick pick', `${startsWith} [Reload]`, 'command:workbench.action.reloadWindow', HTML);
    await item.click();
  };
  const hoverOver = async (target: Locator, what: string, ...expected: string[]): Promise<void> => {
    await page.mouse.move(900, 650);
    await hover.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    await target.hover();
    await hover.waitFor(visible);
    const text = await assertInert(hover, what);
    assertReadable(text, what, ...expected);
    await page.mouse.move(900, 650);
    await hover.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  };
  const notificationMessage = (text: string): Locator => wb.notification(text).locator('.notification-list-item-message');
  const closeNotifications = async (): Promise<void> => {
    await runCommand('Notifications: Clear All Notifications');
  };
  const treeRow = (pane: string, startsWith: string): Locator =>
    wb.pane(pane).locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: `${startsWith} ${COMMAND_LINK}` }) });

  const steps: Step[] = [
    {
      name: "a teammate's hostile workspace name shows as plain text in the picker, notification, status bar and hovers",
      async run() {
        const data = emulator.data();
        const ada = data.userByEmail(ADA_EMAIL);
        assert.ok(ada, 'the emulator has no Ada');
        const now = new Date().toISOString();
        const ws = data.addWorkspace({
          id: randomUUID(), name: WORKSPACE_NAME, description: WORKSPACE_NAME, realm: REALM,
          createdAt: now, createdBy: ada.id, updatedAt: now,
        });
        data.addMember({ id: randomUUID(), workspaceId: ws.id, userId: ada.id, role: 'member', addedBy: ada.id, createdAt: now });
        await runCommand('Modbox: Refresh');
        const row = treeRow('Workspaces', 'Workspace');
        await row.waitFor(visible);
        assertReadable(await assertInert(row, 'the tree row'), 'the tree row', `Workspace ${COMMAND_LINK} ${IMAGE} ${HTML}`);
        await hoverOver(row, 'the workspace hover', `Workspace ${COMMAND_LINK} ${IMAGE} ${HTML}`);

        await runCommand('Modbox: Copy Workspace ID');
        await pickHostile('Workspace');
        const copied = notificationMessage("Copied the ID of 'Workspace");
        await copied.waitFor(visible);
        const text = await assertInert(copied, 'the "Copied the ID" notification');
        assertReadable(text, 'the "Copied the ID" notification', `Workspace ${READABLE_LINK} ${IMAGE.replace('](', '] (')} ${HTML} WWW`, '…');
        assert.ok(text.length < 400, `the notification shows the whole 2,000-character name (${text.length} characters)`);
        const clipboard = await page.evaluate(() => navigator.clipboard.readText());
        assert.strictEqual(clipboard, ws.id, 'the clipboard does not hold the workspace ID');
        await closeNotifications();

        await runCommand('Modbox: Select Active Workspace');
        await pickHostile('Workspace');
        await wb.quickPickItem('For all folders').click({ timeout: UI_TIMEOUT });
        const status = wb.statusBarItem(`Workspace ${READABLE_LINK}`);
        await status.waitFor(visible);
        assertReadable(await assertInert(status, 'the status bar item'), 'the status bar item', `Workspace ${READABLE_LINK}`);
        await hoverOver(status, 'the status bar hover', `Workspace ${READABLE_LINK}`);

        // Back to the workspace the journey chose, so its later steps see what they expect.
        await runCommand('Modbox: Select Active Workspace');
        await wb.quickPickItem('Analytical Engines').click({ timeout: UI_TIMEOUT });
        await wb.quickPickItem('For all folders').click({ timeout: UI_TIMEOUT });
        await wb.statusBarItem('Analytical Engines').waitFor(visible);
      },
    },
    {
      name: 'a hostile token description and server error detail show as plain text in the revoke dialog and its error',
      async run() {
        const data = emulator.data();
        const ada = data.userByEmail(ADA_EMAIL);
        assert.ok(ada, 'the emulator has no Ada');
        const token = data.addToken({
          id: randomUUID(), userId: ada.id, description: TOKEN_DESCRIPTION, value: `mbx_hostile${randomUUID().replace(/-/g, '')}`,
          createdAt: new Date().toISOString(), lastUsedAt: null,
        });
        await runCommand('Modbox: Refresh');
        const row = treeRow('API Tokens', 'Token');
        await row.waitFor(visible);
        await hoverOver(row, 'the token hover', `Token ${COMMAND_LINK} ${IMAGE} ${HTML}`);

        emulator.setFault('DELETE /api-tokens/*', { kind: 'status', status: 400, detail: ERROR_DETAIL, times: 1 });
        try {
          await runCommand('Modbox: Revoke API Token');
          await pickHostile('Token');
          const confirm = wb.dialog("Revoke 'Token");
          await confirm.waitFor(visible);
          assertReadable(await assertInert(confirm, 'the revoke dialog'), 'the revoke dialog', `Token ${READABLE_LINK}`);
          await wb.dialogButton(confirm, 'Revoke').click();
          await confirm.waitFor(gone);

          const failed = notificationMessage("Couldn't revoke 'Token");
          await failed.waitFor(visible);
          const text = await assertInert(failed, 'the revoke error notification');
          // The server's HTML is dropped from its detail (sanitizeDetail); its words stay.
          assertReadable(text, 'the revoke error notification', `Token ${READABLE_LINK}`, `Detail ${READABLE_LINK}`, 'bold DDD');
          assert.ok(data.tokens.has(token.id), 'the token is gone although Modbox refused to revoke it');
          await closeNotifications();
        } finally {
          emulator.setFault('DELETE /api-tokens/*', undefined);
          data.removeToken(token);
        }
        await runCommand('Modbox: Refresh');
        await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      },
    },
  ];
  ctx.log(`hostile text: ${COMMAND_LINK}, ${IMAGE}, ${HTML} and 2,000 characters`);
  return { steps };
}
