/**
 * Fuzzing the appspec parser, the first thing an agent reads from a bundle someone else built. Whatever the
 * text, `parseAppSpec` returns a Result and never throws; a refusal names the file, the key (the place in the
 * document, empty only when the file as a whole is wrong) and a bounded reason; an acceptance obeys the rules.
 */
import { isScriptableHook, MAX_EVENT_TIMEOUT_SECONDS, parseAppSpec, RESERVED_EVENTS, SCRIPTABLE_HOOKS, type AppSpec, type AppSpecError, type AppSpecOs } from '@baton/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readYamlDocument } from '../../packages/shared/src/appspec/yaml-document.js';
import { FUZZ_TEST_TIMEOUT_MS, fuzzRuns } from '../harness/long-form.js';
import { hostileValue, mutated } from './support/hostile-json.js';
import { failOnProcessFaults } from './support/process-faults.js';

const RUNS = fuzzRuns(300, 5000);
/** A reason quotes refused values shortened; this leaves room for the words around them. */
const MAX_REASON_CHARS = 600;

const target = fc.record({
  fileName: fc.constantFrom('appspec.yml', 'appspec.yaml'),
  platform: fc.constantFrom<AppSpecOs>('linux', 'windows'),
});

// ---- inputs ------------------------------------------------------------------------------------------------

/** Fragments of YAML syntax, so that random text often reaches the parser's stranger corners. */
const YAML_TOKENS = [
  'version: 0.0\n', 'os: linux\n', 'os: windows\n', 'hooks:\n', 'files:\n', 'permissions:\n', '  ', '\t', '\n', '- ', ': ', '? ',
  '&a ', '*a', '&b [*a, *a, *a]', '!!binary aGk=', '!!set {x}', '!!omap [a: 1]', '!!timestamp 2001-12-14', '!tag ', '!!str ',
  '{', '}', '[', ']', ',', '"', "'", '|', '>', '#', '---\n', '...\n', '%YAML 1.1\n', '<<: ', '__proto__: ', 'constructor: ',
  'ApplicationStop', 'BeforeInstall', 'DownloadBundle', 'location: ', 'timeout: ', 'runas: ', 'source: /', 'destination: ',
  'mode: 0644', 'mode: 0o777', 'acls: [u:bob:rw]', 'context: {type: t}', '1e400', '.inf', '-.nan', '~', 'null', '0x1F', '\u0000', '\uFEFF',
] as const;

const yamlText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 40 }).map((tokens) => tokens.join('')),
  fc.jsonValue({ maxDepth: 4 }).map((value) => stringify(value)),
);

const hookName = fc.oneof(fc.constantFrom(...SCRIPTABLE_HOOKS, ...RESERVED_EVENTS), fc.string({ maxLength: 12 }));
const path = fc.oneof(fc.constantFrom('/srv/app', '/srv/app/', 'C:\\app', '\\\\server\\share', 'relative/dir', '/'), fc.string({ maxLength: 20 }));
/** Anything in a place: usually a plausible value, sometimes a hostile one. */
const either = <T>(plausible: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: hostileValue });

const scriptLike = fc.record(
  {
    location: either(fc.constantFrom('scripts/stop.sh', 'scripts/start.sh', '')),
    timeout: either(fc.oneof(fc.integer({ min: -10, max: 4000 }), fc.double({ noNaN: true }))),
    runas: either(fc.constantFrom('root', 'www-data', '1000')),
  },
  { requiredKeys: [] },
);

/** Objects with the shape of an appspec, each field plausible or hostile, any of them missing. */
const appSpecLike = fc.record(
  {
    version: either(fc.constantFrom<unknown>(0, '0.0', 0.0, 1, '1.0')),
    os: either(fc.constantFrom<unknown>('linux', 'windows', 'Linux', 'darwin')),
    files: either(fc.array(fc.record({ source: either(path), destination: either(path) }, { requiredKeys: [] }), { maxLength: 3 })),
    file_exists_behavior: either(fc.constantFrom<unknown>('DISALLOW', 'OVERWRITE', 'RETAIN', 'overwrite')),
    permissions: either(
      fc.array(
        fc.record(
          {
            object: either(path),
            pattern: either(fc.constantFrom('**', '*.sh', '')),
            except: either(fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })),
            owner: either(fc.oneof(fc.constantFrom('root', 'www-data'), fc.integer({ min: -1, max: 70000 }))),
            group: either(fc.constantFrom('root', 'www-data')),
            mode: either(fc.oneof(fc.constantFrom('644', '0755', '8', '12345'), fc.integer({ min: 0, max: 7777 }))),
            acls: either(fc.array(fc.constantFrom('u:bob:rw', 'g:ops:r-x', 'd:o::r', 'u::rw', 'bob', 'm:rw:x'), { maxLength: 3 })),
            context: either(fc.record({ user: fc.string({ maxLength: 6 }), type: fc.string({ maxLength: 6 }), range: fc.constantFrom('s0', 's0-s0:c0.c1023', 'x') }, { requiredKeys: [] })),
            type: either(fc.array(fc.constantFrom('file', 'directory', 'link'), { maxLength: 3 })),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    ),
    hooks: either(fc.dictionary(hookName, either(fc.array(scriptLike, { maxLength: 3 })), { maxKeys: 4 })),
  },
  { requiredKeys: [] },
);

/** Appspecs the parser accepts on linux. */
const validLinuxAppSpec = fc.record(
  {
    version: fc.constantFrom<unknown>(0, '0.0'),
    os: fc.constant('linux'),
    files: fc.array(fc.record({ source: fc.constantFrom('/', 'app', 'config/app.json'), destination: fc.constantFrom('/srv/app', '/etc/app') }), { maxLength: 2 }),
    file_exists_behavior: fc.constantFrom('DISALLOW', 'OVERWRITE', 'RETAIN'),
    permissions: fc.constantFrom([], [{ object: '/srv/app', owner: 'www-data', mode: '644', acls: ['u:bob:rw'], type: ['file'] }]),
    hooks: fc.dictionary(
      fc.constantFrom(...SCRIPTABLE_HOOKS),
      fc.array(fc.record({ location: fc.constantFrom('scripts/a.sh', 'b.sh'), timeout: fc.integer({ min: 1, max: 600 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: ['version', 'os'] },
);

/** Valid appspec text with a line dropped, repeated or cut, or bytes spliced in. */
const mutatedText = fc
  .tuple(validLinuxAppSpec.map((spec) => stringify(spec)), fc.nat(), fc.constantFrom('drop', 'repeat', 'cut', 'splice'), fc.constantFrom(...YAML_TOKENS))
  .map(([text, at, how, token]) => {
    const lines = text.split('\n');
    const line = at % lines.length;
    switch (how) {
      case 'drop':
        return lines.filter((_, index) => index !== line).join('\n');
      case 'repeat':
        return [...lines.slice(0, line + 1), ...lines.slice(line)].join('\n');
      case 'cut':
        return text.slice(0, at % (text.length + 1));
      case 'splice': {
        const offset = at % (text.length + 1);
        return `${text.slice(0, offset)}${token}${text.slice(offset)}`;
      }
    }
  });

/** The YAML text of a value; a mutation may have removed the whole document. */
const yamlOf = (value: unknown): string => (value === undefined ? '' : stringify(value));

// ---- oracles -----------------------------------------------------------------------------------------------

/**
 * Whether `key` (`hooks.ApplicationStop[0].location`, relative to `node`) names a place whose parent is in the
 * document: the last segment may be absent (a required key that is missing). Keys of the document may
 * themselves hold `.` or `[`, so every split that matches a key of the node is tried.
 */
function parentExists(node: unknown, key: string): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) {
    const index = /^\[(\d+)\]/.exec(key);
    return index !== null && within(node[Number(index[1])], key.slice(index[0].length));
  }
  const record = node as Record<string, unknown>;
  if (!/[.[]/.test(key) || Object.hasOwn(record, key)) return true;
  return Object.keys(record).some((name) => key.startsWith(name) && /^[.[]/.test(key.slice(name.length)) && within(record[name], key.slice(name.length)));
}

/** `rest` is what follows a segment: nothing, `.name...` or `[index]...`. */
const within = (child: unknown, rest: string): boolean =>
  rest === '' || parentExists(child, rest.startsWith('.') ? rest.slice(1) : rest);

function expectWellFormedRefusal(error: AppSpecError, text: string, fileName: string): void {
  expect(error.file).toBe(fileName);
  expect(typeof error.reason).toBe('string');
  expect(error.reason.trim()).not.toBe('');
  expect(error.reason.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
  expect(error.message).toBe(error.key === '' ? `${fileName}: ${error.reason}` : `${fileName}: ${error.key}: ${error.reason}`);
  const document = readYamlDocument(text);
  const isMapping = document.ok && typeof document.value === 'object' && document.value !== null && !Array.isArray(document.value);
  if (!isMapping) {
    expect(error.key).toBe('');
    return;
  }
  // A mapping is wrong in some place: the key names it.
  expect(error.key).not.toBe('');
  expect(parentExists(document.value, error.key), `key ${error.key} is not in the document`).toBe(true);
}

function expectRulesKept(spec: AppSpec, platform: AppSpecOs): void {
  expect(spec.version).toBe('0.0');
  expect(spec.os).toBe(platform);
  for (const { destination } of spec.files) expect(platform === 'linux' ? destination.startsWith('/') : destination.length > 0).toBe(true);
  if (platform === 'windows') expect(spec.permissions).toEqual([]);
  for (const [hook, scripts] of Object.entries(spec.hooks)) {
    expect(isScriptableHook(hook)).toBe(true);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(script.location).not.toBe('');
      expect(script.timeoutSeconds).toBeGreaterThan(0);
    }
    expect(scripts.reduce((sum, script) => sum + script.timeoutSeconds, 0)).toBeLessThanOrEqual(MAX_EVENT_TIMEOUT_SECONDS);
  }
}

/** The property every input must satisfy. */
function checkParse(text: string, { fileName, platform }: { fileName: string; platform: AppSpecOs }): void {
  const result = parseAppSpec(text, { fileName, platform });
  expect(typeof result.ok).toBe('boolean');
  if (result.ok) expectRulesKept(result.value, platform);
  else expectWellFormedRefusal(result.error, text, fileName);
}

// ---- properties --------------------------------------------------------------------------------------------

describe('fuzz: appspec parser', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  failOnProcessFaults();

  it('answers arbitrary YAML text with a Result', () => {
    fc.assert(fc.property(yamlText, target, checkParse), { numRuns: RUNS });
  });

  it('answers objects shaped like appspecs with a Result that names the bad key', () => {
    fc.assert(fc.property(appSpecLike, target, (spec, options) => checkParse(stringify(spec), options)), { numRuns: RUNS });
  });

  it('answers mutated valid appspecs, as objects and as text', () => {
    fc.assert(fc.property(mutated(validLinuxAppSpec), target, (spec, options) => checkParse(yamlOf(spec), options)), { numRuns: RUNS });
    fc.assert(fc.property(mutatedText, target, checkParse), { numRuns: RUNS });
  });

  it('accepts every unmutated valid appspec on its own platform', () => {
    fc.assert(
      fc.property(validLinuxAppSpec, (spec) => {
        const result = parseAppSpec(stringify(spec), { fileName: 'appspec.yml', platform: 'linux' });
        expect(result.ok).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
