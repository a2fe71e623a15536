/** SSO pieces: which redirect targets are allowed, how the result is appended, and the consent page. */

export const PROVIDERS = { google: 'Google', github: 'GitHub', microsoft: 'Microsoft' } as const;
export type Provider = keyof typeof PROVIDERS;

export function isProvider(p: string): p is Provider {
  return Object.prototype.hasOwnProperty.call(PROVIDERS, p);
}

const EDITOR_SCHEMES = new Set(['vscode', 'vscode-insiders', 'code-oss', 'vscodium']);

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** No open redirect: editor schemes, http on loopback, or an https origin the service is told to trust. */
export function isAllowedRedirect(raw: string, trustedOrigins: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) {
    return false;
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (EDITOR_SCHEMES.has(scheme) || /^[a-z][a-z0-9+.-]*-insiders$/.test(scheme)) {
    return true;
  }
  if (scheme === 'http') {
    return isLoopbackHost(url.hostname);
  }
  return scheme === 'https' && trustedOrigins.includes(url.origin);
}

/**
 * Appends `params` to the redirect target without touching what is already
 * there: as the fragment (replacing any old one), or after the existing query.
 */
export function buildRedirect(redirectUri: string, params: Array<[string, string]>, mode: 'fragment' | 'query'): string {
  const encoded = new URLSearchParams(params).toString();
  const hash = redirectUri.indexOf('#');
  const base = hash >= 0 ? redirectUri.slice(0, hash) : redirectUri;
  if (mode === 'fragment') {
    return `${base}#${encoded}`;
  }
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}${encoded}${hash >= 0 ? redirectUri.slice(hash) : ''}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const STYLE = `
  :root { color-scheme: light dark; --fg: #1f2328; --bg: #f6f8fa; --card: #fff; --muted: #59636e; --accent: #2f6feb; --border: #d1d9e0; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --card: #161b22; --muted: #9198a1; --accent: #4493f8; --border: #30363d; } }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--fg);
         font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
  main { width: min(420px, 92vw); background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 28px; }
  h1 { font-size: 20px; margin: 0 0 16px; }
  .account { display: flex; gap: 12px; align-items: center; padding: 12px; border: 1px solid var(--border); border-radius: 8px; margin-bottom: 16px; }
  .avatar { width: 40px; height: 40px; border-radius: 50%; background: var(--accent); color: #fff; display: grid; place-items: center; font-weight: 600; }
  .muted { color: var(--muted); font-size: 13px; }
  .actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 20px; }
  button { font: inherit; padding: 8px 16px; border-radius: 6px; border: 1px solid var(--border); background: transparent; color: var(--fg); cursor: pointer; }
  button#continue { background: var(--accent); border-color: var(--accent); color: #fff; }
  button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export interface ConsentPageInput {
  provider: Provider;
  name: string;
  email: string;
  redirectUri: string;
  state: string | null;
}

export function consentPage(input: ConsentPageInput): string {
  const providerName = PROVIDERS[input.provider];
  let target = input.redirectUri;
  try {
    const u = new URL(input.redirectUri);
    target = u.host ? `${u.protocol}//${u.host}` : u.protocol;
  } catch {
    // The caller already validated it; show it as it came.
  }
  const hidden = (name: string, value: string | null): string =>
    value === null ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  return page(`Sign in to Modbox with ${providerName}`, `
<h1>Sign in to Modbox with ${escapeHtml(providerName)}</h1>
<div class="account"><div class="avatar" aria-hidden="true">${escapeHtml(input.name.slice(0, 1).toUpperCase())}</div>
<div><div id="account-name">${escapeHtml(input.name)}</div><div class="muted" id="account-email">${escapeHtml(input.email)}</div></div></div>
<p class="muted">Modbox will send you back to <strong id="redirect-target">${escapeHtml(target)}</strong> signed in as this account.</p>
<form method="post" action="/auth/sso/${input.provider}/consent">
${hidden('redirect_uri', input.redirectUri)}${hidden('state', input.state)}
<div class="actions">
<button type="submit" id="cancel" name="decision" value="deny">Cancel</button>
<button type="submit" id="continue" name="decision" value="approve" autofocus>Continue</button>
</div></form>`);
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p id="error">${escapeHtml(message)}</p>`);
}
