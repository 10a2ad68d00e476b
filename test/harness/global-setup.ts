import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Installs the Debian packages the tests need (the same idempotent script .ci/run uses). */
export default function setup(): void {
  const script = fileURLToPath(new URL('../../scripts/install-test-deps.sh', import.meta.url));
  execFileSync('bash', [script], { stdio: 'inherit' });
}
