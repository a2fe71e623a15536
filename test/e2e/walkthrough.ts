// The "Get started with Modbox" walkthrough, opened the way a user finds it
// (Welcome: Open Walkthrough… in the command palette) while signed in: the
// sign-in step shows as done, and the SDK step shows its snippet. The picture
// is the README's.
import * as assert from 'assert';
import * as path from 'path';
import type { Page } from 'playwright-core';
import type { VsCodeBrowserSession } from '../runner/session';
import { Workbench } from './workbench';

const UI_TIMEOUT = 30_000;

interface Step {
  name: string;
  run(): Promise<void>;
}

export interface WalkthroughContext {
  session: VsCodeBrowserSession;
  shotsDir: string;
  log(line: string): void;
}

/**
 * Two steps: `beforeSignIn` opens the walkthrough while signed out (its sign-in
 * step not done) and so starts VS Code's walkthrough service, which ticks a
 * step off only when its context key changes while it runs; `signedIn`
 * reopens it after the journey signed in, finds that step done, opens the SDK
 * step and takes the README's picture.
 */
export function walkthrough(ctx: WalkthroughContext): { beforeSignIn: Step; signedIn: Step } {
  const page: Page = ctx.session.page;
  const wb = new Workbench(page);
  const visible = { state: 'visible', timeout: UI_TIMEOUT } as const;
  const container = page.locator('.gettingStartedContainer');
  const signInStep = container.locator('.getting-started-step').filter({ hasText: 'Sign in to Modbox' });

  const palette = async (command: string): Promise<void> => {
    const input = await wb.openCommandPalette(UI_TIMEOUT);
    await input.fill(`>${command}`);
    await wb.quickPickItem(command).first().click({ timeout: UI_TIMEOUT });
  };
  const open = async (): Promise<void> => {
    await palette('Welcome: Open Walkthrough...');
    await wb.quickPickItem('Get started with Modbox').click({ timeout: UI_TIMEOUT });
    await container.getByText('Get started with Modbox').first().waitFor(visible);
    for (const title of ['Sign in to Modbox', 'Choose a workspace', 'Create a sandbox', 'Call Modbox from your code']) {
      await container.locator('.getting-started-step').filter({ hasText: title }).first().waitFor({ state: 'attached', timeout: UI_TIMEOUT });
    }
  };
  const close = async (): Promise<void> => {
    await palette('View: Close All Editors');
    await container.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  };

  return {
    beforeSignIn: {
      name: 'the Get started walkthrough lists its four steps, sign-in not done while signed out',
      async run() {
        await open();
        await signInStep.first().waitFor(visible);
        // A done step's icon is a check mark with the class `complete`.
        assert.strictEqual(await signInStep.first().locator('.codicon.complete').count(), 0, 'the sign-in step is done before signing in');
        await close();
      },
    },
    signedIn: {
      name: 'signed in, the walkthrough shows the sign-in step done and the SDK snippet',
      async run() {
        // A wider editor puts the steps and the snippet side by side, as on a desktop;
        // VS Code 1.139 also opens the Chat view beside the editor, which leaves too little room.
        await palette('View: Toggle Primary Side Bar Visibility');
        const secondary = page.locator('.part.auxiliarybar');
        if (await secondary.isVisible()) {
          await palette('View: Toggle Secondary Side Bar Visibility');
          await secondary.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
        }
        await open();
        await signInStep.first().locator('.codicon.complete').waitFor(visible);
        await container.locator('.getting-started-step').filter({ hasText: 'Call Modbox from your code' }).locator('h3').click({ timeout: UI_TIMEOUT });
        const media = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
        await media.getByText('new ModboxClient', { exact: false }).first().waitFor(visible);
        await page.mouse.move(1200, 780, { steps: 5 });
        const file = path.join(ctx.shotsDir, 'walkthrough.png');
        await page.screenshot({ path: file });
        ctx.log(`screenshot ${path.relative(process.cwd(), file)}`);
        await close();
        // The side bar comes back with the Modbox view, as the journey left it.
        await palette('View: Toggle Primary Side Bar Visibility');
        await wb.pane('Workspaces').waitFor(visible);
      },
    },
  };
}
