import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../config.js';
import { startServer } from '../server.js';
import { applyMigrations } from '../store/database.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import { loadSecretsKey } from '../variables/secrets-key.js';
import { openTriggerSecret } from './trigger-secret-box.js';
import { triggerSecrets } from './trigger-store.js';

const SECRET = 'plaintext-from-release-ten';

describe('trigger secrets stored in plaintext before migration 011', () => {
  let dir: string;

  beforeEach(() => {
    // A data directory as release 10 left it: a group with a trigger whose secret is plaintext, and a delivery.
    dir = mkdtempSync(join(tmpdir(), 'baton-sealing-'));
    const db = new BetterSqlite3(join(dir, 'baton.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, MIGRATIONS.slice(0, 10));
    db.exec(`
      INSERT INTO applications (id, name, created_at) VALUES ('app-1', 'shop', 't');
      INSERT INTO deployment_groups (id, application_id, name, host_selector, deployment_config, created_at, updated_at)
        VALUES ('dg-1', 'app-1', 'web', '{"tagFilters":[],"tagSet":[]}',
          '{"name":"CodeDeployDefault.OneAtATime","minimumHealthyHosts":{"type":"ALL_BUT_ONE"}}', 't', 't');
      INSERT INTO triggers (id, group_id, name, url, events, format, secret_ref, secret, created_at, updated_at)
        VALUES ('trg-1', 'dg-1', 'ops', 'https://hooks.example.com/', '["DeploymentFailure"]', 'json', 'trs-aaaaaaaaaaaa', '${SECRET}', 't', 't');
      INSERT INTO webhook_deliveries (id, trigger_id, event, deployment_id, body, status, next_attempt_at, created_at, updated_at)
        VALUES ('whd-1', 'trg-1', 'DeploymentFailure', 'd-1', '{}', 'pending', 't', 't', 't');
    `);
    db.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const start = async (settings: { secretsKeyFile?: string } = {}) => {
    const config = parseServerConfig({ dataDir: dir, listen: '127.0.0.1:0', ...settings });
    if (!config.ok) throw new Error(config.error);
    return startServer(config.value, { logger: pino({ level: 'silent' }), print: () => undefined });
  };
  const fileBytes = () =>
    Buffer.concat(['baton.db', 'baton.db-wal'].map((name) => join(dir, name)).filter(existsSync).map((file) => readFileSync(file)));

  it('are sealed by the first start, kept with their deliveries, and gone from the file', async () => {
    const server = await start();
    try {
      const [stored] = triggerSecrets(server.db, 'dg-1');
      expect(stored).toMatchObject({ name: 'ops', secretRef: 'trs-aaaaaaaaaaaa' });
      expect(openTriggerSecret(loadSecretsKey({ dataDir: dir }, server.db), stored!)).toBe(SECRET);
      expect(server.db.prepare('SELECT id FROM webhook_deliveries').all()).toEqual([{ id: 'whd-1' }]);
      expect(server.db.prepare('SELECT count(*) AS n FROM triggers WHERE unsealed_secret IS NOT NULL').get()).toEqual({ n: 0 });
      expect(fileBytes().includes(SECRET)).toBe(false);
    } finally {
      await server.close();
    }
    expect(fileBytes().includes(SECRET)).toBe(false);
  });

  it('bind the start to the key that sealed them: another key is refused', async () => {
    await (await start()).close();
    const otherKey = join(dir, 'other.key');
    writeFileSync(otherKey, `${randomBytes(32).toString('base64')}\n`);
    await expect(start({ secretsKeyFile: otherKey })).rejects.toMatchObject({ code: 'SECRETS_KEY', message: expect.stringContaining('did not seal 1 secret(s)') });
    const again = await start();
    try {
      expect(openTriggerSecret(loadSecretsKey({ dataDir: dir }, again.db), triggerSecrets(again.db, 'dg-1')[0]!)).toBe(SECRET);
    } finally {
      await again.close();
    }
  });
});
