import * as assert from 'node:assert/strict';
import { buildRedirect, isAllowedRedirect } from './sso';
import { call, useEmulator } from './testUtil';

const CODE_SERVER_CB = 'http://127.0.0.1:8080/stable-abc123/callback?vscode-reqid=1&vscode-scheme=code-oss&vscode-authority=modbox.vscode-modbox&vscode-path=%2Fdid-authenticate';

function ssoPath(provider: string, redirectUri: string, state?: string): string {
  const q = new URLSearchParams({ redirect_uri: redirectUri });
  if (state !== undefined) q.set('state', state);
  return `/auth/sso/${provider}?${q.toString()}`;
}

async function submitConsent(base: string, provider: string, redirectUri: string, state: string, decision: string): Promise<Response> {
  return fetch(`${base}/auth/sso/${provider}/consent`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ redirect_uri: redirectUri, state, decision }).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(5000),
  });
}

describe('emulator: SSO', () => {
  const { em, url } = useEmulator();

  it('renders a consent page naming the provider and the account, with Continue and Cancel', async () => {
    const res = await call(url(), ssoPath('github', 'vscode://modbox.vscode-modbox/auth', 's1'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.text, /<title>Sign in to Modbox with GitHub<\/title>/);
    assert.match(res.text, /Ada Lovelace/);
    assert.match(res.text, /ada@example\.com/);
    assert.match(res.text, /<button[^>]*id="continue"/);
    assert.match(res.text, /<button[^>]*id="cancel"/);
    assert.match(res.text, /name="state" value="s1"/);
    assert.equal(em().stats().ssoPageViews, 1);
  });

  it('escapes a hostile state instead of injecting it into the page', async () => {
    const res = await call(url(), ssoPath('google', 'vscode://x/y', '"><script>alert(1)</script>'));
    assert.equal(res.status, 200);
    assert.ok(!res.text.includes('<script>alert(1)</script>'));
    assert.match(res.text, /&quot;&gt;&lt;script&gt;/);
  });

  it('Continue redirects with tokens and state in the fragment, keeping the redirect_uri query intact', async () => {
    const res = await submitConsent(url(), 'github', CODE_SERVER_CB, 'st-42', 'approve');
    assert.equal(res.status, 302);
    const location = res.headers.get('location') ?? '';
    const [before, fragment] = location.split('#');
    assert.equal(before, CODE_SERVER_CB);
    const f = new URLSearchParams(fragment);
    assert.equal(f.get('state'), 'st-42');
    assert.equal(f.get('token_type'), 'Bearer');
    assert.equal(f.get('expires_in'), '300');
    assert.equal(f.get('refresh_expires_in'), '1800');
    const access = f.get('access_token') ?? '';
    assert.match(access, /^eyJ/);
    assert.ok((f.get('refresh_token') ?? '').length > 20);
    // The token from the redirect is a working session.
    const ws = await call(url(), '/workspaces', { token: access });
    assert.equal(ws.status, 200);
    assert.ok(em().issuedSecrets().includes(access));
    assert.equal(em().stats().ssoApproved, 1);
  });

  it('Cancel redirects with error=access_denied and the state, and no tokens', async () => {
    const res = await submitConsent(url(), 'microsoft', 'vscode://modbox.vscode-modbox/auth', 'st-7', 'deny');
    assert.equal(res.status, 302);
    const location = res.headers.get('location') ?? '';
    assert.equal(location, 'vscode://modbox.vscode-modbox/auth#error=access_denied&state=st-7');
    assert.equal(em().stats().ssoDenied, 1);
  });

  it('refuses redirect targets outside the allow-list with a 400 page and no redirect', async () => {
    for (const target of [
      'https://evil.example/cb', 'http://evil.example/cb', 'http://127.0.0.1.evil.example/cb', 'http://127.0.0.1@evil.example/cb',
      'javascript:alert(1)', 'file:///etc/passwd', 'not a url', 'http://10.0.0.1/cb',
    ]) {
      const res = await call(url(), ssoPath('github', target, 's'));
      assert.equal(res.status, 400, target);
      assert.equal(res.headers.get('location'), null, target);
      const post = await submitConsent(url(), 'github', target, 's', 'approve');
      assert.equal(post.status, 400, target);
      assert.equal(post.headers.get('location'), null, target);
      await post.text();
    }
    const missing = await call(url(), '/auth/sso/github?state=s');
    assert.equal(missing.status, 400);
  });

  it('accepts editor schemes and loopback http targets', async () => {
    for (const target of [
      'vscode://modbox.vscode-modbox/auth', 'vscode-insiders://a/b', 'code-oss://a/b', 'vscodium://a/b', 'cursor-insiders://a/b',
      'http://127.0.0.1:43123/callback', 'http://localhost:9/cb?x=1', 'http://127.0.0.2:5555/', 'http://[::1]:80/cb',
    ]) {
      const res = await call(url(), ssoPath('google', target, 's'));
      assert.equal(res.status, 200, target);
    }
  });

  it('answers 404 for an unknown or missing provider', async () => {
    assert.equal((await call(url(), ssoPath('facebook', 'vscode://a/b', 's'))).status, 404);
    assert.equal((await call(url(), '/auth/sso/')).status, 404);
    assert.equal((await call(url(), '/auth/sso/__proto__?redirect_uri=vscode://a/b')).status, 404);
  });

  it('query mode appends the result to the existing query instead of the fragment', async () => {
    em().setConfig({ ssoResponseMode: 'query' });
    const res = await submitConsent(url(), 'github', CODE_SERVER_CB, 'q-1', 'approve');
    const location = res.headers.get('location') ?? '';
    assert.ok(location.startsWith(`${CODE_SERVER_CB}&`), location);
    assert.ok(!location.includes('#'));
    const q = new URL(location).searchParams;
    assert.equal(q.get('vscode-reqid'), '1');
    assert.equal(q.get('vscode-scheme'), 'code-oss');
    assert.equal(q.get('state'), 'q-1');
    assert.match(q.get('access_token') ?? '', /^eyJ/);
  });

  it('auto-consent redirects at once, approving or denying', async () => {
    em().setConfig({ autoConsent: 'approve' });
    const ok = await call(url(), ssoPath('github', 'http://127.0.0.1:3000/cb', 'a1'));
    assert.equal(ok.status, 302);
    const f = new URLSearchParams((ok.headers.get('location') ?? '').split('#')[1]);
    assert.equal(f.get('state'), 'a1');
    assert.match(f.get('access_token') ?? '', /^eyJ/);

    em().setConfig({ autoConsent: 'deny' });
    const no = await call(url(), ssoPath('github', 'http://127.0.0.1:3000/cb', 'a2'));
    assert.equal(no.headers.get('location'), 'http://127.0.0.1:3000/cb#error=access_denied&state=a2');
  });

  it('signs in as the configured SSO account', async () => {
    em().setConfig({ autoConsent: 'approve', ssoEmail: 'grace@example.com' });
    const res = await call(url(), ssoPath('github', 'vscode://a/b', 's'));
    const access = new URLSearchParams((res.headers.get('location') ?? '').split('#')[1]).get('access_token') ?? '';
    const claims = JSON.parse(Buffer.from(access.split('.')[1], 'base64url').toString()) as { email: string };
    assert.equal(claims.email, 'grace@example.com');
  });
});

describe('emulator: redirect building', () => {
  it('replaces an existing fragment and keeps the query', () => {
    assert.equal(buildRedirect('vscode://a/b?x=1#old', [['state', 's']], 'fragment'), 'vscode://a/b?x=1#state=s');
  });
  it('in query mode keeps an existing fragment after the query', () => {
    assert.equal(buildRedirect('http://127.0.0.1:1/cb#keep', [['state', 's']], 'query'), 'http://127.0.0.1:1/cb?state=s#keep');
    assert.equal(buildRedirect('http://127.0.0.1:1/cb?', [['a', '1 2']], 'query'), 'http://127.0.0.1:1/cb?a=1+2');
  });
  it('trusts https only for configured origins', () => {
    assert.equal(isAllowedRedirect('https://app.example/cb', []), false);
    assert.equal(isAllowedRedirect('https://app.example/cb', ['https://app.example']), true);
  });
});
