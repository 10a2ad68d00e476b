import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { putVariable } from '../store/variables.js';
import { seedDeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { StartupError } from '../server.js';
import { loadSecretsKey } from './secrets-key.js';

describe('loadSecretsKey', () => {
  let temp: TempDatabase;
  beforeEach(() => {
    temp = openTempDatabase();
  });
  afterEach(() => temp.cleanup());

  const settings = () => ({ dataDir: temp.dir });
  /** A secret as stored under the key with id `keyId`. */
  const storeSecretSealedBy = (keyId: string) => {
    const { application } = seedDeploymentFixture(temp.db, new Date(), { hostCount: 0, revisionCount: 0 });
    putVariable(temp.db, { applicationId: application.id }, 'TOKEN', { secret: true, sealed: Buffer.alloc(40), keyId }, new Date());
  };
  /** The operator's error a start fails with. */
  const failure = (run: () => unknown): StartupError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(StartupError);
      expect(error).toMatchObject({ code: 'SECRETS_KEY' });
      return error as StartupError;
    }
    throw new Error('expected a StartupError');
  };

  it('creates <dataDir>/secrets.key (0600) on the first start and reads the same key afterwards', () => {
    const first = loadSecretsKey(settings(), temp.db);
    const file = join(temp.dir, 'secrets.key');
    expect(first.file).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toEqual(first.bytes);
    expect(first.bytes).toHaveLength(32);
    expect(loadSecretsKey(settings(), temp.db)).toEqual(first);
  });

  it('reads a configured key file, and refuses one that is missing instead of creating it', () => {
    const file = join(temp.dir, 'mounted.key');
    expect(failure(() => loadSecretsKey({ ...settings(), secretsKeyFile: file }, temp.db)).message).toBe(
      `the secrets key file ${file} does not exist (expected 32 random bytes in base64, e.g. from \`openssl rand -base64 32\`)`,
    );
    writeFileSync(file, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    expect(loadSecretsKey({ ...settings(), secretsKeyFile: file }, temp.db).bytes).toEqual(Buffer.alloc(32, 7));
  });

  it('refuses a file that holds no key, without showing what it holds', () => {
    const file = join(temp.dir, 'secrets.key');
    for (const content of ['my-passphrase-not-a-key', Buffer.alloc(16).toString('base64'), '']) {
      writeFileSync(file, content);
      const { message } = failure(() => loadSecretsKey(settings(), temp.db));
      expect(message).toMatch(/does not hold a secrets key: expected 32 random bytes in base64/);
      if (content !== '') expect(message).not.toContain(content);
    }
  });

  it('refuses a key that did not seal the stored secrets, naming both keys by id only', () => {
    const key = loadSecretsKey(settings(), temp.db);
    storeSecretSealedBy('0123456789abcdef');
    const { message } = failure(() => loadSecretsKey(settings(), temp.db));
    expect(message).toBe(
      `the secrets key in ${key.file} (key id ${key.id}) did not seal 1 secret(s) sealed with key id 0123456789abcdef: start with the key file they were sealed with`,
    );
    expect(message).not.toContain(key.bytes.toString('base64'));
  });

  it('does not replace a lost default key while secrets sealed by it are stored', () => {
    storeSecretSealedBy('0123456789abcdef');
    expect(failure(() => loadSecretsKey(settings(), temp.db)).message).toMatch(
      /secrets\.key is missing, but the database holds 1 secret\(s\) sealed with key id 0123456789abcdef: restore the key file/,
    );
  });
});
