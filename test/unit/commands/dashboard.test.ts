import * as assert from 'node:assert/strict';
import '../../support/fakeVscode';
import { dashboardPageUrl } from '../../../src/commands/dashboard';

describe('dashboardPageUrl', () => {
  it('opens the dashboard itself, or its API tokens page', () => {
    assert.equal(dashboardPageUrl('https://app.modbox.run', 'home'), 'https://app.modbox.run/');
    assert.equal(dashboardPageUrl('https://app.modbox.run', 'apiTokens'), 'https://app.modbox.run/api-tokens');
    assert.equal(dashboardPageUrl('http://127.0.0.1:8080/base/', 'apiTokens'), 'http://127.0.0.1:8080/base/api-tokens');
  });

  it('refuses anything that is not an http(s) URL', () => {
    assert.equal(dashboardPageUrl('javascript:alert(1)', 'home'), undefined);
    assert.equal(dashboardPageUrl('file:///etc/passwd', 'home'), undefined);
    assert.equal(dashboardPageUrl('not a url', 'home'), undefined);
  });
});
