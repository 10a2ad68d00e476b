import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (file: string) => fileURLToPath(new URL(`./packages/${file}`, import.meta.url));
/** Matches the import specifier exactly, so `@baton/shared` does not also capture `@baton/shared/protocol`. */
const exactly = (specifier: string) => new RegExp(`^${specifier}$`);

export default defineConfig({
  resolve: {
    // Unit tests import workspace packages from source; end-to-end tests spawn the built dist/ binaries.
    // The subpaths mirror the "exports" of packages/shared/package.json.
    alias: [
      { find: exactly('@baton/shared'), replacement: src('shared/src/index.ts') },
      { find: exactly('@baton/shared/protocol'), replacement: src('shared/src/protocol/index.ts') },
      { find: exactly('@baton/shared/result'), replacement: src('shared/src/result.ts') },
      { find: exactly('@baton/shared/archive-io'), replacement: src('shared/src/archive-io/index.ts') },
      { find: exactly('@baton/agent'), replacement: src('agent/src/index.ts') },
      { find: exactly('@baton/coordinator'), replacement: src('coordinator/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
