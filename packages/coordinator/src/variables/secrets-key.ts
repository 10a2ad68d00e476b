/**
 * The coordinator's secrets key: 32 random bytes, base64 in a file (`<dataDir>/secrets.key`, or the configured
 * `secretsKeyFile`). The default file is created, mode 0600, on the first start; a configured one must exist.
 *
 * Contract: every failure is a StartupError (code SECRETS_KEY) whose message says what is wrong and what to do,
 * and never contains the key or a secret: `baton server` prints it as one line and exits. A key that did not seal the stored secrets is refused at start, before anything
 * could be sealed under a second key or a hook could miss its secrets.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../server.js';
import type { Database } from '../store/database.js';
import { countSealedSecretsByKey } from '../store/sealed-secret-counts.js';

export interface SecretsKey {
  /** A short fingerprint that names the key in rows and messages; it reveals nothing of the key. */
  readonly id: string;
  readonly bytes: Buffer;
  /** The file it was read from. */
  readonly file: string;
}

export interface SecretsKeySettings {
  readonly dataDir: string;
  /** A key kept outside the data directory (a mounted secret); required to exist. */
  readonly secretsKeyFile?: string | undefined;
}

const DEFAULT_SECRETS_KEY_FILE = 'secrets.key';
const KEY_BYTES = 32;
const KEY_TEXT = /^[A-Za-z0-9+/]{43}=$/;
const HOW_TO_MAKE = 'expected 32 random bytes in base64, e.g. from `openssl rand -base64 32`';

/** Reads (or, the default file on a first start, creates) the key and checks that it sealed the stored secrets. */
export function loadSecretsKey(settings: SecretsKeySettings, db: Database): SecretsKey {
  const configured = settings.secretsKeyFile !== undefined;
  const file = settings.secretsKeyFile ?? join(settings.dataDir, DEFAULT_SECRETS_KEY_FILE);
  const stored = countSealedSecretsByKey(db);
  let text = readKeyFile(file);
  if (text === undefined) {
    if (configured) throw keyError(`the secrets key file ${file} does not exist (${HOW_TO_MAKE})`);
    if (stored.length > 0) {
      throw keyError(
        `the secrets key file ${file} is missing, but the database holds ${describeStored(stored)}: restore the key file they were sealed with`,
      );
    }
    text = createKeyFile(file);
  }
  const key = parseKey(text.trim(), file);
  const foreign = stored.filter(({ keyId }) => keyId !== key.id);
  if (foreign.length > 0) {
    throw keyError(
      `the secrets key in ${file} (key id ${key.id}) did not seal ${describeStored(foreign)}: start with the key file they were sealed with`,
    );
  }
  return key;
}

/** The key's fingerprint: a domain-separated hash, so it equals no other digest of the key. */
export const secretsKeyId = (bytes: Uint8Array): string =>
  createHash('sha256').update('baton secrets key id\0').update(bytes).digest('hex').slice(0, 16);

function parseKey(text: string, file: string): SecretsKey {
  if (!KEY_TEXT.test(text)) throw keyError(`${file} does not hold a secrets key: ${HOW_TO_MAKE}`);
  const bytes = Buffer.from(text, 'base64'); // 43 characters and one '=' are exactly KEY_BYTES bytes
  return { id: secretsKeyId(bytes), bytes, file };
}

function readKeyFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw keyError(`cannot read the secrets key file ${file}: ${errnoOf(error)}`);
  }
}

/** Exclusive create: a key file that appeared meanwhile is never overwritten. */
function createKeyFile(file: string): string {
  const text = `${randomBytes(KEY_BYTES).toString('base64')}\n`;
  try {
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    return text;
  } catch (error) {
    throw keyError(`cannot create the secrets key file ${file}: ${errnoOf(error)}`);
  }
}

const describeStored = (counts: readonly { keyId: string; count: number }[]): string =>
  counts.map(({ keyId, count }) => `${count} secret(s) sealed with key id ${keyId}`).join(' and ');

const keyError = (message: string): StartupError => new StartupError('SECRETS_KEY', message);

/** The errno name of a failed file operation: says what went wrong without any of the file's content. */
const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? String(error);
