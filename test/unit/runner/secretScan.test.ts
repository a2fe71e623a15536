import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scanForSecrets } from '../../runner/secretScan';

describe('the redaction check of the integration run', () => {
  let dir: string;
  const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLXZhbHVl';

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
    fs.mkdirSync(path.join(dir, 'logs', 'exthost1'), { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds a secret in a nested log file and in the transcript, naming only its start', () => {
    fs.writeFileSync(path.join(dir, 'logs', 'exthost1', '1-Modbox.log'), `info refreshed ${secret}\n`);
    const result = scanForSecrets([dir], { output: `leaked ${secret}` }, [secret]);
    assert.strictEqual(result.leaks.length, 2);
    assert.ok(result.leaks.every((l) => !l.secretStart.includes(secret.slice(8))));
    assert.strictEqual(result.modboxLogs.length, 1);
  });

  it('finds a terminal token inside a binary state database (a persisted environment variable collection) and a .env in the opened folder', () => {
    const token = 'mbx_terminal_0123456789abcdef';
    const state = path.join(dir, 'User', 'workspaceStorage', 'abc');
    fs.mkdirSync(state, { recursive: true });
    fs.writeFileSync(path.join(state, 'state.vscdb'), Buffer.concat([Buffer.from([0, 1, 2, 0xff]), Buffer.from(`{"MODBOX_API_TOKEN":{"value":"${token}"}}`), Buffer.from([0, 0])]));
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-folder-'));
    try {
      fs.writeFileSync(path.join(folder, '.env'), `MODBOX_API_TOKEN=${token}\n`);
      const result = scanForSecrets([dir, folder], {}, [token]);
      assert.deepStrictEqual(result.leaks.map((l) => path.basename(l.where)), ['state.vscdb', '.env']);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('passes clean files and reports the Modbox log it read', () => {
    fs.writeFileSync(path.join(dir, 'logs', 'exthost1', '1-Modbox.log'), 'info refreshed Bearer <redacted>\n');
    const result = scanForSecrets([dir], { output: 'nothing here' }, [secret]);
    assert.deepStrictEqual(result.leaks, []);
    assert.strictEqual(result.files, 1);
    assert.strictEqual(result.modboxLogs.length, 1);
  });
});
