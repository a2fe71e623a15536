import * as assert from 'node:assert/strict';
import type { HttpRequest, Transport } from '../../../../src/api/transport';
import { lazyTransport } from '../../../../src/api/transport/lazy';
import { createUndiciTransport } from '../../../../src/api/transport/undiciTransport';
import { startServer } from '../../../support/loopback';

const req = (url: string): HttpRequest => ({ method: 'GET', url, headers: {}, timeoutMs: 2000 });

function fake(label: string, closed: string[]): Transport {
  return {
    request: async () => ({ status: 200, headers: {}, body: label }),
    close: async () => {
      closed.push(label);
    },
  };
}

describe('lazyTransport', () => {
  it('loads nothing until the first request, then loads once', async () => {
    let loads = 0;
    const closed: string[] = [];
    const lazy = lazyTransport(() => fake(`t${++loads}`, closed));
    assert.equal(loads, 0);
    assert.equal((await lazy.request(req('http://127.0.0.1/'))).body, 't1');
    assert.equal((await lazy.request(req('http://127.0.0.1/'))).body, 't1');
    assert.equal(loads, 1);
  });

  it('switches to a new transport after reset (settings changed) and closes the old one', async () => {
    const closed: string[] = [];
    const lazy = lazyTransport(() => fake('old', closed));
    await lazy.request(req('http://127.0.0.1/'));
    lazy.reset(() => fake('new', closed));
    assert.equal((await lazy.request(req('http://127.0.0.1/'))).body, 'new');
    assert.deepEqual(closed, ['old']);
    await lazy.close();
    assert.deepEqual(closed, ['old', 'new']);
  });

  it('reports a failed load as a rejected request and tries again next time', async () => {
    let attempt = 0;
    const lazy = lazyTransport(() => {
      if (++attempt === 1) {
        throw new Error('bundle missing');
      }
      return fake('ok', []);
    });
    await assert.rejects(lazy.request(req('http://127.0.0.1/')), /bundle missing/);
    assert.equal((await lazy.request(req('http://127.0.0.1/'))).body, 'ok');
  });

  it('works with the real undici transport module', async () => {
    const server = await startServer((_req, res) => res.writeHead(200).end('real'));
    const lazy = lazyTransport(() => createUndiciTransport({ env: {} }));
    try {
      assert.equal((await lazy.request(req(server.url))).body, 'real');
    } finally {
      await lazy.close();
      await server.close();
    }
  });
});
