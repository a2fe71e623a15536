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
