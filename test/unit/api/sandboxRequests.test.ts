import * as assert from 'node:assert/strict';
import { ModboxError } from '../../../src/api/errors';
import { checkProvision, checkWait, provisionBody, taskIdProblem, ttlProblem } from '../../../src/api/sandboxRequests';

function invalid(fn: () => unknown, field: string): void {
  assert.throws(fn, (err: unknown) => err instanceof ModboxError && err.kind === 'validation' && err.field === field && err.message.startsWith(`${field}: `));
}

describe('sandbox request checks', () => {
  it('accepts task ids of 1 to 255 printable characters, trimmed', () => {
    assert.equal(taskIdProblem('a'), undefined);
    assert.equal(taskIdProblem('x'.repeat(255)), undefined);
    assert.match(taskIdProblem('   ') ?? '', /Enter a task id/);
    assert.match(taskIdProblem('x'.repeat(256)) ?? '', /at most 255/);
    assert.match(taskIdProblem('a\u0007b') ?? '', /printable/);
    assert.equal(checkProvision({ taskId: '  pr-12 ' }).taskId, 'pr-12');
  });

  it('accepts TTLs of 60 to 86400 whole seconds', () => {
    for (const ok of [60, 3600, 86_400]) assert.equal(ttlProblem(ok), undefined);
    for (const bad of [59, 86_401, 90.5, Number.NaN]) assert.match(ttlProblem(bad) ?? '', /60 to 86400/);
    invalid(() => checkProvision({ taskId: 't', ttlSeconds: 30 }), 'ttl_seconds');
  });

  it('checks image ids, image references and environment variables', () => {
    invalid(() => checkProvision({ taskId: 't', imageId: '' }), 'image_id');
    invalid(() => checkProvision({ taskId: 't', imageId: 'x'.repeat(256) }), 'image_id');
    invalid(() => checkProvision({ taskId: 't', image: '' }), 'image');
    invalid(() => checkProvision({ taskId: 't', image: 'x'.repeat(513) }), 'image');
    invalid(() => checkProvision({ taskId: 't', envVars: { '1ABC': 'x' } }), 'env_vars');
    invalid(() => checkProvision({ taskId: 't', envVars: { 'A-B': 'x' } }), 'env_vars');
    assert.deepEqual(checkProvision({ taskId: 't', envVars: {} }), { taskId: 't' });
  });

  it('builds the documented body, leaving out what was not asked for', () => {
    assert.deepEqual(provisionBody({ taskId: 't' }), { task_id: 't' });
    assert.deepEqual(provisionBody(checkProvision({ taskId: 't', imageId: 'i1', image: 'python:3', ttlSeconds: 120, envVars: { A: '1' } })),
      { task_id: 't', image_id: 'i1', image: 'python:3', ttl_seconds: 120, env_vars: { A: '1' } });
  });

  it('checks the wait ranges: timeout 1-600, poll interval 1-60', () => {
    assert.deepEqual(checkWait('t', 600, 60), { taskId: 't', timeoutSeconds: 600, pollIntervalSeconds: 60 });
    assert.deepEqual(checkWait('t', undefined, undefined), { taskId: 't', timeoutSeconds: undefined, pollIntervalSeconds: undefined });
    invalid(() => checkWait('t', 0, undefined), 'timeout');
    invalid(() => checkWait('t', 601, undefined), 'timeout');
    invalid(() => checkWait('t', undefined, 61), 'poll_interval');
    invalid(() => checkWait('', 5, 5), 'task_id');
  });
});
