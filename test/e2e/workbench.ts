// Locators for the parts of VS Code's workbench the end-to-end journey uses.
// They follow what a user sees (roles, labels, visible text) wherever VS Code
// exposes it, and VS Code 1.99's stable class names otherwise.
import type { Locator, Page } from 'playwright-core';

export class Workbench {
  constructor(readonly page: Page) {}

  /** An activity bar entry, e.g. "Modbox" or "Accounts". */
  activityBarItem(label: string): Locator {
    return this.page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${label}"]`).first();
  }

  /** The sidebar pane of a view, found by its title ("Workspaces", "API Tokens"). */
  pane(title: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
  }

  paneHeader(title: string): Locator {
    return this.pane(title).locator('.pane-header');
  }

  /** A tree row in a view whose visible label is exactly label. */
  row(paneTitle: string, label: string): Locator {
    return this.pane(paneTitle).locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
  }

  /** A view's welcome content (shown instead of the tree, e.g. when signed out). */
  welcome(paneTitle: string): Locator {
    return this.pane(paneTitle).locator('.welcome-view-content');
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  quickInputBox(): Locator {
    return this.quickInput().locator('input.input');
  }

  /**
   * Opens the command palette with F1, pressing again while it stays closed:
   * a key pressed as a webview takes focus (the walkthrough VS Code opens by
   * itself after the install, for one) can be lost.
   */
  async openCommandPalette(timeoutMs = 30_000): Promise<Locator> {
    const input = this.quickInputBox();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: Math.max(1, Math.min(5_000, deadline - Date.now())) });
        return input;
      } catch (err) {
        if (Date.now() >= deadline) {
          throw err;
        }
      }
    }
  }

  quickPickItem(text: string): Locator {
    return this.quickInput().locator('.monaco-list-row').filter({ hasText: text });
  }

  /** A modal dialog whose text contains text. */
  dialog(text: string | RegExp): Locator {
    return this.page.locator('.monaco-dialog-box').filter({ hasText: text });
  }

  dialogButton(dialog: Locator, name: string): Locator {
    return dialog.locator('.dialog-buttons').getByRole('button', { name, exact: true });
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item').filter({ hasText: text });
  }

  /**
   * An entry of the open context menu (Accounts menu, view title overflow, tree
   * context menu). The entry itself, not its list item: a submenu's list item
   * also contains the submenu's entries.
   */
  menuItem(name: string): Locator {
    return this.page.locator('.monaco-menu').getByRole('menuitem', { name, exact: true });
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
