import * as assert from 'node:assert/strict';
import { terminalTokenDescription, terminalVariables } from '../../../src/terminal/variables';

describe('terminal variables', () => {
  it('the token always, the workspace when chosen, the API URL only when it is not the default', () => {
    assert.deepEqual(terminalVariables({ token: 'mbx_abcdefgh', apiUrl: 'https://api.modbox.run' }), { MODBOX_API_TOKEN: 'mbx_abcdefgh' });
    assert.deepEqual(terminalVariables({ token: 'mbx_abcdefgh', workspaceId: 'w1', apiUrl: 'https://API.modbox.run/' }),
      { MODBOX_API_TOKEN: 'mbx_abcdefgh', MODBOX_WORKSPACE_ID: 'w1' });
    assert.deepEqual(terminalVariables({ token: 'mbx_abcdefgh', apiUrl: 'http://127.0.0.1:8080' }),
      { MODBOX_API_TOKEN: 'mbx_abcdefgh', MODBOX_API_URL: 'http://127.0.0.1:8080' });
  });

  it('the token description names the machine, stays within 255 characters and drops control characters', () => {
    assert.equal(terminalTokenDescription('laptop'), 'VS Code terminal – laptop');
    assert.equal(terminalTokenDescription('x'.repeat(400)).length, 255);
    assert.equal(terminalTokenDescription('evil\u001b[31m\u202e'), 'VS Code terminal – evil [31m');
    assert.equal(terminalTokenDescription('  \n'), 'VS Code terminal – this computer');
  });
});
