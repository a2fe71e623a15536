import * as assert from 'node:assert/strict';
import { uriRouter } from '../../../src/commands/uriRouter';
import type { Logger } from '../../../src/log/logger';

function recordingLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const push = (m: unknown) => void lines.push(String(m));
  return { lines, log: { trace: push, debug: push, info: push, warn: push, error: push } };
}

describe('uriRouter', () => {
  it('sends each path to its handler only', () => {
    const seen: string[] = [];
    const { log } = recordingLog();
    const router = uriRouter({ '/auth-callback': (u) => seen.push(`auth ${u.query}`), '/open': (u) => seen.push(`open ${u.query}`) }, log);
    router.handleUri({ path: '/auth-callback', query: 'code=1' });
    router.handleUri({ path: '/open', query: 'workspace=w' });
    assert.deepEqual(seen, ['auth code=1', 'open workspace=w']);
  });

  it('ignores unknown paths (and inherited names), logging the path but never the query', () => {
    const seen: string[] = [];
    const { log, lines } = recordingLog();
    const router = uriRouter({ '/open': () => seen.push('open') }, log);
    router.handleUri({ path: '/other', query: 'access_token=secret-value' });
    router.handleUri({ path: 'constructor', query: '' });
    router.handleUri({ path: '/Open', query: '' });
    assert.deepEqual(seen, []);
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => !l.includes('secret-value')));
  });
});
