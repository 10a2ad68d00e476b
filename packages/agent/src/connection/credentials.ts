/**
 * The host's identity. The first start enrolls with the enrollment token (`POST AgentPaths.enroll`) and saves
 * `{hostId, credential, coordinator}` to `credentials.json` (mode 0600); later starts reuse it, so the token is
 * needed only once. Failures are expected at this trust boundary (bad token, unreachable coordinator) and
 * come back as a Result whose message says what to do.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AgentPaths, EnrollResponse, type HostFacts } from '@baton/shared/protocol';
import { err, ok, type Result } from '@baton/shared/result';
import type { AgentConfig } from '../config.js';
import { readBodyText, sendHttpRequest } from '../http-request.js';
import type { TlsClientOptions } from './coordinator-trust.js';

const StoredCredentials = z.object({ hostId: z.string().min(1), credential: z.string().min(1), coordinator: z.string() });
export type StoredCredentials = z.infer<typeof StoredCredentials>;

/** `tls`: how the coordinator's certificate is checked (see coordinator-trust.ts); Node's defaults when absent. */
export async function loadOrEnroll(config: AgentConfig, facts: HostFacts, tls: TlsClientOptions = {}): Promise<Result<StoredCredentials, string>> {
  const file = config.layout.credentialsFile;
  const stored = await readCredentials(file);
  if (!stored.ok) return stored;
  if (stored.value !== undefined) {
    if (stored.value.coordinator !== config.coordinatorUrl) {
      return err(
        `${file} was issued by ${stored.value.coordinator}, not the configured coordinator ${config.coordinatorUrl}; ` +
          'remove it and pass --enroll-token to enroll with the new coordinator',
      );
    }
    return ok(stored.value);
  }
  if (config.enrollToken === undefined) {
    return err(`this host is not enrolled yet (no ${file}): pass --enroll-token`);
  }
  const enrolled = await enroll(config, config.enrollToken, facts, tls);
  if (!enrolled.ok) return enrolled;
  const credentials = { ...enrolled.value, coordinator: config.coordinatorUrl };
  await saveCredentials(file, credentials);
  return ok(credentials);
}

async function enroll(config: AgentConfig, token: string, facts: HostFacts, tls: TlsClientOptions): Promise<Result<EnrollResponse, string>> {
  const url = `${config.coordinatorUrl}${AgentPaths.enroll}`;
  let status: number;
  let body: string;
  try {
    const response = await sendHttpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: config.name, tags: config.tags, facts }),
      tls,
    });
    status = response.statusCode ?? 0;
    body = await readBodyText(response);
  } catch (cause) {
    return err(`cannot reach ${url}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
  if (status < 200 || status > 299) return err(`enrollment refused by ${url}: HTTP ${status} ${body.slice(0, 500)}`);
  let parsed: ReturnType<typeof EnrollResponse.safeParse>;
  try {
    parsed = EnrollResponse.safeParse(JSON.parse(body));
  } catch {
    return err(`enrollment answer from ${url} is not JSON`);
  }
  return parsed.success ? ok(parsed.data) : err(`enrollment answer from ${url} lacks hostId or credential`);
}

async function readCredentials(file: string): Promise<Result<StoredCredentials | undefined, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return ok(undefined);
    throw new Error(`cannot read ${file}`, { cause });
  }
  try {
    const parsed = StoredCredentials.safeParse(JSON.parse(text));
    if (parsed.success) return ok(parsed.data);
  } catch {
    // Falls through to the same answer as a well-formed file of the wrong shape.
  }
  return err(`${file} is not a valid credentials file; remove it and enroll again with --enroll-token`);
}

async function saveCredentials(file: string, credentials: StoredCredentials): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  await writeFile(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // The umask cannot widen 0600, but a leftover temp file keeps its old mode: set it explicitly.
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
