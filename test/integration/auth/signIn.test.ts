// Sign-in end to end inside real VS Code: the browser (headless Chromium
// driving code-server) really follows the SSO redirects to the emulator.
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { accountIndexKey, parseIndex } from '../../../src/auth/session/accountIndex';
import { sessionKey } from '../../../src/auth/session/sessionStore';
import { indexAccount } from '../../support/accountStorage';
import type { TestHooks } from '../../../src/extension';
import {
  claimsOf, configure, control, createRealApiToken, emulatorUrl, nextCallback, openEditorLink, ScriptedSignInUi, sessionWhere, stats, withTimeout,
} from './helpers';
import { useInstalledExtension } from '../installed';

const PROVIDERS = ['github', 'google', 'microsoft'] as const;

async function workspacesStatus(token: string): Promise<number> {
  const res = await fetch(`${emulatorUrl()}/workspaces`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  return res.status;
}

/** Waits until the sign-in has opened the browser and is waiting for it. */
async function untilWaiting(prompts: ScriptedSignInUi): Promise<void> {
  await withTimeout(
    (async () => {
      while (!prompts.calls.includes('offer')) {
        await new Promise((r) => setTimeout(r, 25));
      }
    })(),
    10_000,
    'the sign-in to wait for the browser',
  );
}

describe('sign-in with Modbox (real VS Code, emulator, headless browser)', function () {
  this.timeout(60_000);
  const ext = useInstalledExtension(() => new ScriptedSignInUi());
  let h: TestHooks;
  let prompts: ScriptedSignInUi;
  beforeEach(() => void ({ h, ui: prompts } = ext));

  for (const provider of PROVIDERS) {
    it(`signs in with ${provider} through the loopback relay (web and remote hosts)`, async () => {
      await configure({ autoConsent: 'approve' });
      const session = await h.account.signIn({ method: provider, flow: 'loopbackRelay' });
      assert.ok(session, 'no session');
      assert.strictEqual(session.account.label, 'ada@example.com');
      assert.strictEqual(session.provider, provider);
      assert.strictEqual(await workspacesStatus(session.accessToken), 200);
      assert.strictEqual((await vscode.authentication.getAccounts('modbox')).map((a) => a.label).join(), 'ada@example.com');
    });

    it(`signs in with ${provider} through the editor's URI handler`, async () => {
      // code-server's callback page keeps only the query, so the emulator answers there.
      await configure({ autoConsent: 'approve', ssoResponseMode: 'query' });
      const session = await h.account.signIn({ method: provider, flow: 'uriHandler' });
      assert.ok(session, 'no session');
      assert.strictEqual(session.provider, provider);
      assert.strictEqual(await workspacesStatus(session.accessToken), 200);
    });
  }

  it('the relay refuses stray, stale and cross-site posts and still takes the real callback', async () => {
    await configure({ autoConsent: 'off' }); // the browser waits on the consent page
    let linkText = '';
    prompts.offers = [
      'Copy Sign-in Link',
      async () => {
        linkText = await vscode.env.clipboard.readText();
        return undefined;
      },
    ];
    const signingIn = h.account.signIn({ method: 'github', flow: 'loopbackRelay' });
    await withTimeout(
      (async () => {
        while (!linkText) {
          await new Promise((r) => setTimeout(r, 25));
        }
      })(),
      10_000,
      'the sign-in link',
    );
    const link = new URL(linkText);
    const redirectUri = link.searchParams.get('redirect_uri') ?? '';
    const state = link.searchParams.get('state') ?? '';
    const external = new URL(redirectUri);
    // code-server forwards the relay as /proxy/<port>/; desktop VS Code uses it as is.
    const relayPort = /\/proxy\/(\d+)\/?$/.exec(external.pathname)?.[1] ?? external.port;
    const relay = `http://127.0.0.1:${relayPort}/`;
    const postTo = (url: string, body: string, headers: Record<string, string> = {}): Promise<number> =>
      fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'text/plain', ...headers }, redirect: 'manual', signal: AbortSignal.timeout(10_000) })
        .then((r) => r.status);

    if (process.env.MODBOX_CODE_SERVER_AUTH === 'password') {
      // Without code-server's login cookie its proxy sends the post to the login page: the relay page must send it.
      const res = await fetch(redirectUri, { method: 'POST', body: 'x', redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      assert.strictEqual(res.status, 302);
      assert.match(res.headers.get('location') ?? '', /login/);
    }
    const forged = (await control('POST', '/session', { email: 'mallory@example.com' })) as Record<string, string>;
    const forgedFragment = `#access_token=${forged.access_token}&refresh_token=${forged.refresh_token}&expires_in=300&token_type=Bearer`;
    for (const [body, expected] of [
      ['not a callback', 'invalid'],
      [`${forgedFragment}&state=${randomBytes(32).toString('base64url')}`, 'ignored-bad-state'],
      [forgedFragment, 'ignored-bad-state'],
    ] as const) {
      const outcome = nextCallback(h);
      assert.strictEqual(await postTo(relay, body), 400, body.slice(0, 30));
      assert.strictEqual(await outcome, expected);
    }
    // A page on another site: refused before the extension sees it, even with the right state.
    assert.strictEqual(await postTo(relay, `${forgedFragment}&state=${state}`, { Origin: 'https://evil.example' }), 403);
    assert.strictEqual(h.account.session, undefined);

    // The real callback, as the consent page would send the browser to it.
    const consent = await fetch(`${emulatorUrl()}/auth/sso/github/consent`, {
      method: 'POST',
      body: new URLSearchParams({ redirect_uri: redirectUri, state, decision: 'approve' }),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    const location = consent.headers.get('location') ?? '';
    assert.ok(location.startsWith(redirectUri) && location.includes('#'), 'the consent page did not redirect to the relay');
    assert.strictEqual(await postTo(relay, location.slice(location.indexOf('#')), { Origin: external.origin }), 204);
    const session = await signingIn;
    assert.strictEqual(session?.account.label, 'ada@example.com');
    // Delivered once: the relay is gone.
    await assert.rejects(postTo(relay, 'x'));
  });

  it('finishes from a pasted address when the browser cannot come back, and ignores a replay of it', async () => {
    // The headless browser stays on the consent page; the user finishes in
    // "another browser" from the copied link and pastes where it ended.
    await configure({ autoConsent: 'off' });
    let pasted = '';
    prompts.offers = [vscode.l10n.t('Copy Sign-in Link'), vscode.l10n.t('Paste Address…')];
    prompts.secrets = [
      async () => {
        const link = new URL(await vscode.env.clipboard.readText());
        assert.strictEqual(`${link.origin}${link.pathname}`, `${emulatorUrl()}/auth/sso/github`, 'Copy Sign-in Link did not copy the sign-in link');
        const form = new URLSearchParams({
          redirect_uri: link.searchParams.get('redirect_uri') ?? '',
          state: link.searchParams.get('state') ?? '',
          decision: 'approve',
        });
        const res = await fetch(`${emulatorUrl()}/auth/sso/github/consent`, {
          method: 'POST',
          body: form,
          redirect: 'manual',
          signal: AbortSignal.timeout(10_000),
        });
        pasted = res.headers.get('location') ?? '';
        return pasted;
      },
    ];
    const session = await h.account.signIn({ method: 'github', flow: 'uriHandler' });
    assert.ok(session, 'no session');
    assert.match(pasted, /#access_token=/);

    const replay = nextCallback(h);
    await openEditorLink(pasted.slice(pasted.indexOf('#') + 1));
    assert.strictEqual(await replay, 'ignored-no-pending');
    assert.strictEqual(h.account.session?.accessToken, session.accessToken, 'a replayed link changed the session');
  });

  it('signs in with a valid API token and refuses a wrong one without storing anything', async () => {
    const token = await createRealApiToken('vscode-test');
    prompts.secrets = ['mbx_thisIsNotARealToken123'];
    await assert.rejects(h.account.signIn({ method: 'apiToken' }), /didn't accept this API token/);
    assert.strictEqual(h.account.session, undefined);
    assert.deepStrictEqual(parseIndex((await h.secrets.get(accountIndexKey(h.account.apiUrl))) ?? ''), [], 'an account was added');

    prompts.secrets = [token];
    const session = await h.account.signIn({ method: 'apiToken' });
    assert.ok(session);
    assert.strictEqual(session.kind, 'apiToken');
    assert.match(session.account.label, /^API token mbx_/);
    assert.ok(!session.account.label.includes(token), 'the label shows the whole token');
  });

  it('Escape at the method picker or the token box signs nobody in and makes no request', async () => {
    prompts.method = undefined;
    assert.strictEqual(await h.account.signIn(), undefined);
    prompts.secrets = [undefined];
    assert.strictEqual(await h.account.signIn({ method: 'apiToken' }), undefined);
    assert.strictEqual((await stats()).requests.length, 0);
  });

  describe('forged and stray callbacks never create or change a session', () => {
    async function forgedTokens(): Promise<string> {
      const minted = (await control('POST', '/session', { email: 'mallory@example.com' })) as Record<string, string | number>;
      return `access_token=${minted.access_token}&refresh_token=${minted.refresh_token}&expires_in=300&token_type=Bearer`;
    }

    it('ignores a link when no sign-in is pending', async () => {
      const outcome = nextCallback(h);
      await openEditorLink(`${await forgedTokens()}&state=${randomBytes(32).toString('base64url')}`);
      assert.strictEqual(await outcome, 'ignored-no-pending');
      assert.strictEqual(h.account.session, undefined);
    });

    it('ignores wrong, missing and error links while a sign-in is pending, then a new attempt still works', async () => {
      await configure({ autoConsent: 'off' }); // the browser waits on the consent page
      const first = h.account.signIn({ method: 'github', flow: 'uriHandler' });
      await untilWaiting(prompts);

      const forged = await forgedTokens();
      for (const [query, expected] of [
        [`${forged}&state=${randomBytes(32).toString('base64url')}`, 'ignored-bad-state'],
        [forged, 'ignored-bad-state'],
        [`error=access_denied&state=${randomBytes(32).toString('base64url')}`, 'ignored-bad-state'],
        ['state=abc&access_token=not-a-jwt', 'invalid'],
      ] as const) {
        const outcome = nextCallback(h);
        await openEditorLink(query);
        assert.strictEqual(await outcome, expected, query.slice(0, 40));
        assert.strictEqual(h.account.session, undefined);
      }

      // A new attempt cancels the pending one and completes on its own.
      await configure({ autoConsent: 'approve' });
      const second = h.account.signIn({ method: 'google', flow: 'loopbackRelay' });
      assert.strictEqual(await first, undefined, 'the first attempt was not cancelled');
      const session = await second;
      assert.strictEqual(session?.provider, 'google');
      assert.strictEqual(session?.account.label, 'ada@example.com');
    });

    it('ends the attempt with a clear message when the user refuses in the browser', async () => {
      await configure({ autoConsent: 'deny' });
      await assert.rejects(h.account.signIn({ method: 'microsoft', flow: 'loopbackRelay' }), /cancelled in the browser/);
      assert.strictEqual(h.account.session, undefined);
      // Nothing is left pending: the next attempt works.
      await configure({ autoConsent: 'approve' });
      assert.ok(await h.account.signIn({ method: 'microsoft', flow: 'loopbackRelay' }));
    });
  });

  it('refuses to sign in or call an http:// API URL that is not loopback, and says which setting to change', async () => {
    const config = vscode.workspace.getConfiguration('modbox');
    const original = config.inspect<string>('apiUrl')?.globalValue;
    await config.update('apiUrl', 'http://api.modbox.example', vscode.ConfigurationTarget.Global);
    try {
      await withTimeout(
        (async () => {
          while (h.account.apiUrl !== 'http://api.modbox.example') {
            await new Promise((r) => setTimeout(r, 25));
          }
        })(),
        5_000,
        'the new API URL to apply',
      );
      await assert.rejects(h.account.signIn({ method: 'github', flow: 'loopbackRelay' }), /modbox\.apiUrl/);
      assert.deepStrictEqual(prompts.calls, [], 'the sign-in went ahead');
      assert.strictEqual(h.account.session, undefined);
    } finally {
      await config.update('apiUrl', original, vscode.ConfigurationTarget.Global);
    }
    await withTimeout(
      (async () => {
        while (h.account.apiUrl !== emulatorUrl()) {
          await new Promise((r) => setTimeout(r, 25));
        }
      })(),
      5_000,
      'the emulator URL to apply again',
    );
  });

  it('signing out ends the session on the server, here, and for VS Code', async () => {
    await configure({ autoConsent: 'approve' });
    const session = await h.account.signIn({ method: 'github', flow: 'loopbackRelay' });
    assert.ok(session);
    const removed = withTimeout(
      new Promise<void>((resolve) => {
        const sub = vscode.authentication.onDidChangeSessions((e) => {
          if (e.provider.id === 'modbox') {
            sub.dispose();
            resolve();
          }
        });
      }),
      10_000,
      'VS Code to hear of the sign-out',
    );
    await h.account.signOut();
    await removed;
    assert.strictEqual(h.account.session, undefined);
    assert.strictEqual(await h.secrets.get(sessionKey(h.account.apiUrl, session.account.id)), undefined);
    assert.strictEqual((await stats()).logoutCalls, 1);
    assert.strictEqual(await workspacesStatus(session.accessToken), 401, 'the server still accepts the old token');
    assert.deepStrictEqual(await vscode.authentication.getAccounts('modbox'), []);
  });

  it('follows a sign-in and a sign-out made in another window', async () => {
    await configure({ autoConsent: 'approve' });
    const minted = (await control('POST', '/session', {})) as { access_token: string; refresh_token: string };
    const claims = claimsOf(minted.access_token);
    const key = sessionKey(h.account.apiUrl, String(claims.sub));
    const now = Date.now();
    await h.secrets.store(key, JSON.stringify({
      id: `modbox:${String(claims.sub)}`, kind: 'sso', accessToken: minted.access_token, refreshToken: minted.refresh_token,
      accessExpiresAt: now + 300_000, refreshExpiresAt: now + 1_800_000,
      account: { id: String(claims.sub), label: 'ada@example.com' }, provider: 'github', createdAt: now,
    }));
    await indexAccount(h.secrets, h.account.apiUrl, { account: { id: String(claims.sub), label: 'ada@example.com' } });
    const seen = await sessionWhere(h, (s) => s !== undefined);
    assert.strictEqual(seen?.accessToken, minted.access_token);
    await h.secrets.delete(key);
    await sessionWhere(h, (s) => s === undefined);
  });
});
