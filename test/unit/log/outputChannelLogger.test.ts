import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { createLogger } from '../../../src/log/outputChannelLogger';

const SECRET = 'mbx_TopSecretValue123456';

function fakeChannel(): { channel: vscode.LogOutputChannel; lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string | Error, ...args: unknown[]) => {
    lines.push([level, String(message), ...args.map(String)].join(' '));
  };
  const channel = { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
  return { channel: channel as unknown as vscode.LogOutputChannel, lines };
}

describe('createLogger', () => {
  it('redacts messages and arguments at every level', () => {
    const { channel, lines } = fakeChannel();
    const log = createLogger(channel);
    log.trace(`t ${SECRET}`, { token: SECRET });
    log.debug(`d ${SECRET}`);
    log.info(`i ${SECRET}`, SECRET);
    log.warn(`w ${SECRET}`, new Error(SECRET));
    log.error(new Error(`e ${SECRET}`), { nested: { refresh_token: 'abc' } });
    assert.equal(lines.length, 5);
    for (const line of lines) {
      assert.ok(!line.includes('TopSecretValue'), line);
      assert.ok(!line.includes('"abc"'), line);
    }
    assert.match(lines[0], /^trace t mbx_<redacted>/);
    assert.match(lines[4], /^error Error: e mbx_<redacted>/);
  });
});
