import * as assert from 'node:assert/strict';
import { ModboxError } from '../../../src/api/errors';
import { automaticRetryDelay, errorReason, waitSeconds } from '../../../src/views/errorText';
import { plainL10n } from '../../../src/views/l10n';

describe('view error text', () => {
  it('shows a ModboxError message as is', () => {
    assert.equal(errorReason(new ModboxError('offline', "Can't reach Modbox at x."), plainL10n), "Can't reach Modbox at x.");
  });

  it("adds the server's own words when the message lacks them", () => {
    const err = new ModboxError('server', 'Modbox is having trouble (HTTP 503).', { detail: 'maintenance until 10:00' });
    assert.equal(errorReason(err, plainL10n), 'Modbox is having trouble (HTTP 503). (Modbox said: maintenance until 10:00)');
    const said = new ModboxError('forbidden', 'Modbox refused the request: no access', { detail: 'no access' });
    assert.equal(errorReason(said, plainL10n), 'Modbox refused the request: no access');
  });

  it("shows the server's words as text: no link, no icon, even if a message was built by hand", () => {
    const link = '[Reload](command:workbench.action.reloadWindow)';
    const err = new ModboxError('validation', `Bad name ${link}`, { detail: `$(alert) ${link}` });
    const reason = errorReason(err, plainL10n);
    assert.ok(!reason.includes(']('), reason);
    assert.ok(!/(^|[^\\])\$\(/.test(reason), reason);
    assert.match(reason, /\[Reload\] \(command:workbench\.action\.reloadWindow\)/);
  });

  it('does not show the text of unexpected errors', () => {
    const reason = errorReason(new TypeError('Cannot read properties of undefined (reading mbx_secret)'), plainL10n);
    assert.ok(!reason.includes('mbx_secret'));
    assert.match(reason, /See the Modbox log/);
  });

  it('retries reads automatically only after a rate limit, within a bound', () => {
    assert.equal(automaticRetryDelay(new ModboxError('rateLimited', 'busy', { retryAfterMs: 5000 })), 5000);
    assert.equal(automaticRetryDelay(new ModboxError('rateLimited', 'busy')), 5000);
    assert.equal(automaticRetryDelay(new ModboxError('rateLimited', 'busy', { retryAfterMs: 3_600_000 })), undefined);
    assert.equal(automaticRetryDelay(new ModboxError('server', 'down')), undefined);
    assert.equal(automaticRetryDelay(new Error('x')), undefined);
  });

  it('rounds waits up to whole seconds', () => {
    assert.equal(waitSeconds(0), 1);
    assert.equal(waitSeconds(4200), 5);
  });
});
