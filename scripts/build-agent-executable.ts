/**
 * `npm run build:agent-executable` (it runs `npm run build` first): the agent as one file that needs no Node.js on
 * the host — a Node.js single executable application (SEA) for Linux x64 and this machine's Node.js version — at
 * packages/agent/dist-executable/baton-agent, or at `--out FILE`.
 *
 * 1. esbuild bundles the built agent CLI (packages/agent/dist/cli/main.js, what bin/baton-agent.js runs) and every
 *    dependency into one CommonJS file: a SEA's main script is CommonJS and can `require` Node's built-ins only
 *    (dynamic `import()`s of the agent's own modules are bundled too). The bundle has no files beside it: its
 *    version and form are defined here (see agent-version.ts, agent-form.ts), and `import.meta.url` names a file
 *    that does not exist, so that reading beside a module fails loudly instead of finding something. Any esbuild
 *    warning fails the build. Nothing in the agent starts worker threads from files (pino writes to in-process
 *    streams, no transports), which a SEA could not load.
 * 2. `node --experimental-sea-config` turns the bundle into a blob that starts without the experimental warning.
 *    No code cache: measured, it neither shortened the start nor lowered the idle agent's memory.
 * 3. postject injects the blob into a copy of this Node.js binary (without its debug symbols when `strip` is
 *    installed) and flips the binary's SEA fuse.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const AGENT_DIR = join(REPO_ROOT, 'packages/agent');
const ENTRY = join(AGENT_DIR, 'dist/cli/main.js');
const DEFAULT_OUT = join(AGENT_DIR, 'dist-executable/baton-agent');
/** The fuse every Node.js binary carries; postject flips it so that the binary runs its injected blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** Where the bundle claims to live: no such file, on purpose (see above). */
const BUNDLE_URL = 'file:///baton-agent-executable/bundle.cjs';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: DEFAULT_OUT } } });
  const out = resolve(values.out);
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the agent executable is built for Linux x64; this is ${process.platform} ${process.arch}`);
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
  const { version } = JSON.parse(readFileSync(join(AGENT_DIR, 'package.json'), 'utf8')) as { version: string };

  const work = mkdtempSync(join(tmpdir(), 'baton-agent-executable-'));
  try {
    const bundle = join(work, 'baton-agent.cjs');
    await bundleAgent(bundle, version);
    const blob = join(work, 'baton-agent.blob');
    const seaConfig = join(work, 'sea-config.json');
    writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
    execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'pipe' });

    const binary = join(work, 'baton-agent');
    copyFileSync(process.execPath, binary);
    chmodSync(binary, 0o755);
    const stripped = stripSymbols(binary);
    const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
    execFileSync(process.execPath, [postject, binary, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { stdio: 'pipe' });
    mkdirSync(dirname(out), { recursive: true });
    // Renamed into place: a running agent keeps its old file, and no one sees a half-written one.
    copyFileSync(binary, `${out}.tmp`);
    renameSync(`${out}.tmp`, out);
    const megabytes = (statSync(out).size / 1048576).toFixed(1);
    process.stdout.write(`${out}: baton-agent ${version}, Node.js ${process.version} linux-x64, ${megabytes} MB${stripped ? '' : ' (strip not found: debug symbols kept)'}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function bundleAgent(outfile: string, version: string): Promise<void> {
  const result = await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node}`,
    format: 'cjs',
    define: {
      BATON_AGENT_VERSION: JSON.stringify(version),
      BATON_AGENT_EXECUTABLE: 'true',
      'import.meta.url': JSON.stringify(BUNDLE_URL),
      // ws's switches for its optional native add-ons: a SEA cannot load them (its `require` knows built-ins only),
      // and merely trying prints a warning at every start.
      'process.env.WS_NO_BUFFER_UTIL': '"1"',
      'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
    },
    plugins: [builtinDynamicImportsAsRequire],
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) {
    const messages = result.warnings.map((warning) => `${warning.location?.file ?? ''}:${warning.location?.line ?? ''}: ${warning.text}`);
    throw new Error(`esbuild warned about the agent bundle:\n${messages.join('\n')}`);
  }
}

/**
 * esbuild leaves `await import('node:tls')` as it is, but a SEA's main script has no dynamic `import()` in Node.js 20
 * (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). The agent imports some built-ins lazily, so that an idle agent never
 * loads them: each becomes a small bundled module that `require`s the built-in, still loaded on first use.
 */
const builtinDynamicImportsAsRequire: Plugin = {
  name: 'builtin-dynamic-imports-as-require',
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' && isBuiltin(args.path) ? { path: args.path, namespace: 'builtin-require' } : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/** Drops the debug symbols of Node.js's own binary (about 12 MB); false when binutils' strip is not installed. */
function stripSymbols(binary: string): boolean {
  try {
    execFileSync('strip', [binary], { stdio: 'pipe' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new Error(`strip ${binary} failed`, { cause: error });
  }
}

await main();
