// Every shape of secret, in every way it can be written, through every way
// text reaches the Modbox log (and the server text shown in messages):
// nothing of the secret may come out.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { sanitizeDetail } from '../../../src/api/errors';
import { createLogger } from '../../../src/log/outputChannelLogger';
import { redact, redactValue } from '../../../src/log/redact';

const MBX_PLAIN = 'mbx_Q2x8sK3vP0aZ7mN4bR1tY6wE9uI5oL';
const MBX_SYMBOLS = 'mbx_ab+Kq9/Zr7=Lm.Px3~Wd-Tn_Ys==';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3MDB9.c2lnbmF0dXJlLXBhcnQ';
const JWT_PADDED = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTIiLCJlIjoxfQ==.U2lnbmF0dXJlUGFkZGVk==';
const OPAQUE = 'Zr8Kq1Lm2Np3Oq4Pr5Qs6Rt7Su8Tv9Uw0Vx1Wy2Xz3';
const PASSWORD = 'hunter2-Secret!Pass';
const BASIC = Buffer.from(`ada:${PASSWORD}`).toString('base64');
const API_KEY = 'sk-live-9fJ2kL0pQ7rS4tU1vW8x';

/** [what, text to log, the secret in it]: shapes times the ways they get written. */
const samples: Array<[string, string, string]> = [];
for (const [shape, secret] of [['mbx_ token', MBX_PLAIN], ['mbx_ token with + / = . ~', MBX_SYMBOLS], ['JWT', JWT], ['JWT with padding', JWT_PADDED]] as const) {
  samples.push(
    [`${shape}, bare`, `created ${secret}.`, secret],
    [`${shape}, Bearer header`, `Authorization: Bearer ${secret}`, secret],
    [`${shape}, bearer in prose`, `sent bearer ${secret} upstream`, secret],
    [`${shape}, in a URL path`, `DELETE https://api.modbox.run/api-tokens/${secret} -> 204`, secret],
    [`${shape}, percent-encoded in a query`, `GET https://h.example/x?next=${encodeURIComponent(secret)}`, encodeURIComponent(secret)],
  );
}
const keys = ['access_token', 'refresh_token', 'token', 'id_token', 'password', 'client_secret', 'accessToken', 'refreshToken', 'api-key', 'x-api-key', 'apiKey', 'Authorization'];
for (const key of keys) {
  samples.push(
    [`"${key}" in JSON`, `{"ok":false,"${key}": "${OPAQUE}","n":1}`, OPAQUE],
    [`"${key}" in JSON without spaces`, `{"${key}":"${OPAQUE}"}`, OPAQUE],
    [`"${key}" in JSON inside a JSON string`, JSON.stringify({ detail: JSON.stringify({ [key]: OPAQUE }) }), OPAQUE],
    [`'${key}' in a Python dict`, `{'${key}': '${OPAQUE}'}`, OPAQUE],
    [`${key} in a JS dump`, `{ ${/^[a-z]\w*$/i.test(key) ? key : `'${key}'`}: '${OPAQUE}' }`, OPAQUE],
    [`${key} in a form body`, `grant_type=x&${key}=${OPAQUE}&y=1`, OPAQUE],
    [`${key} cut off by truncation`, `{"${key}": "${OPAQUE}`, OPAQUE],
  );
}
samples.push(
  ['Authorization: Basic header', `Authorization: Basic ${BASIC}`, BASIC],
  ['Proxy-Authorization: Basic header', `Proxy-Authorization: Basic ${BASIC}`, BASIC],
  ['Basic in JSON', `{"Authorization": "Basic ${BASIC}"}`, BASIC],
  ['Basic as a form value', `authorization=Basic ${BASIC}`, BASIC],
  ['Basic credentials alone', `retrying with Basic ${BASIC}`, BASIC],
  ['x-api-key header', `x-api-key: ${API_KEY}`, API_KEY],
  ['api-key header', `api-key: ${API_KEY}`, API_KEY],
  ['X-Api-Key header, any case', `X-Api-Key: ${API_KEY}`, API_KEY],
  ['Cookie header', `Cookie: session=${OPAQUE}`, OPAQUE],
  ['proxy URL with a password', `via http://ada:${PASSWORD}@proxy.corp:3128`, PASSWORD],
  ['vscode:// callback with a fragment', `opened vscode://modbox.vscode-modbox/auth-callback#access_token=${JWT}&refresh_token=${OPAQUE}&state=st4teValue9`, OPAQUE],
  ['vscode:// callback, the state', `opened vscode://modbox.vscode-modbox/auth-callback#access_token=${JWT}&state=st4teValue9`, 'st4teValue9'],
  ['loopback relay callback with a fragment', `http://127.0.0.1:4711/callback#access_token=${JWT}&refresh_token=${OPAQUE}`, OPAQUE],
  ['https callback page with a fragment', `https://cs.example/stable-1/callback#refresh_token=${OPAQUE}`, OPAQUE],
  ['code-server callback carrying the fragment encoded', `https://cs.example/x?vscode-fragment=access_token%3D${JWT}%26refresh_token%3D${OPAQUE}%26state%3Dabc`, OPAQUE],
  ['a page URL with tokens in its fragment', `https://app.modbox.run/done#access_token=${OPAQUE}&expires_in=300`, OPAQUE],
);

/** True when any 6-character piece of the secret is still in the text. */
function leaks(text: string, secret: string): string | undefined {
  for (let i = 0; i + 6 <= secret.length; i++) {
    const piece = secret.slice(i, i + 6);
    if (text.includes(piece)) {
      return piece;
    }
  }
  return undefined;
}

function around(text: string, piece: string): string {
  const at = text.indexOf(piece);
  return text.slice(Math.max(0, at - 60), at + 60);
}

function fakeChannel(): { channel: vscode.LogOutputChannel; written: () => string } {
  const lines: string[] = [];
  const write = (message: string | Error, ...args: unknown[]) => {
    lines.push([message instanceof Error ? `${message.stack}` : String(message), ...args.map(String)].join(' '));
  };
  const channel = { trace: write, debug: write, info: write, warn: write, error: write, append: write, appendLine: write };
  return { channel: channel as unknown as vscode.LogOutputChannel, written: () => lines.join('\n') };
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Level[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** Each way a caller can hand text to the logger. */
const paths: Array<[string, (log: ReturnType<typeof createLogger>, level: Level, text: string) => void]> = [
  ['message', (log, level, text) => log[level](`request failed: ${text}`)],
  ['string argument', (log, level, text) => log[level]('request failed', text)],
  ['Error argument', (log, level, text) => log[level]('request failed', new Error(text))],
  ['Error with a code', (log, level, text) => log[level]('failed', Object.assign(new Error(`boom ${text}`), { code: 'E_X' }))],
  ['object argument', (log, level, text) => log[level]('response', { status: 400, body: text, nested: { detail: [text] } })],
  ['array argument', (log, level, text) => log[level]('lines', [text, text])],
];

describe('secrets through every log path', () => {
  for (const [name, text, secret] of samples) {
    it(name, () => {
      assert.ok(leaks(text, secret), 'the sample must contain its secret');
      const problems: string[] = [];
      for (const [path, send] of paths) {
        for (const level of LEVELS) {
          const { channel, written } = fakeChannel();
          send(createLogger(channel), level, text);
          const piece = leaks(written(), secret);
          if (piece) {
            problems.push(`${level} ${path}: "${piece}" in ${around(written(), piece)}`);
          }
        }
      }
      const { channel, written } = fakeChannel();
      createLogger(channel).error(new Error(text));
      for (const [path, out] of [
        ['error(Error)', written()],
        ['redact', redact(text)],
        ['redactValue', redactValue(text)],
        ['text cut at the log limit', redact(`${'x'.repeat(20_000 - text.length + Math.floor(text.length / 2))}\n${text}`)],
        ['server detail shown in a message', sanitizeDetail(text) ?? ''],
      ] as const) {
        const piece = leaks(out, secret);
        if (piece) {
          problems.push(`${path}: "${piece}" in ${around(out, piece)}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }

  it('objects keyed by any secret name are redacted by key', () => {
    const value = Object.fromEntries(keys.map((k) => [k, OPAQUE]));
    assert.equal(leaks(redactValue({ headers: value }), OPAQUE), undefined);
  });

  it('leaves the words around secrets readable', () => {
    assert.equal(redact('Basic settings loaded'), 'Basic settings loaded');
    assert.equal(redact(`{"refresh_token": "${OPAQUE}", "expires_in": 300}`), '{"refresh_token": "<redacted>", "expires_in": 300}');
    assert.equal(redact(`x-api-key: ${API_KEY}`), 'x-api-key: <redacted>');
    assert.equal(redact(`{'refresh_token': '${OPAQUE}'}`), "{'refresh_token': '<redacted>'}");
    assert.equal(redact(`retrying with Basic ${BASIC}`), 'retrying with Basic <redacted>');
    assert.equal(redact(`created ${MBX_SYMBOLS}.`), 'created mbx_<redacted>');
    assert.equal(redact(`t ${JWT_PADDED} ok`), 't <jwt> ok');
  });
});
