import * as vscode from 'vscode';
import type { CommandEnv } from './env';

/** Which dashboard page to open. */
export type DashboardPage = 'home' | 'apiTokens';

/** The dashboard URL for a page, or undefined when the setting is not an http(s) URL. */
export function dashboardPageUrl(base: string, page: DashboardPage): string | undefined {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return undefined;
  }
  if (page === 'apiTokens') {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/api-tokens`;
  }
  return url.toString();
}

export async function openDashboard(env: CommandEnv, page: DashboardPage): Promise<void> {
  const target = dashboardPageUrl(env.dashboardUrl(), page);
  if (!target) {
    void env.ui.showErrorMessage(vscode.l10n.t('The modbox.dashboardUrl setting is not a valid http(s) URL.'), {});
    return;
  }
  await env.ui.openExternal(vscode.Uri.parse(target, true));
}
