/**
 * The shape of an appspec.yml (reference section 1): one zod schema that checks each field on its own and
 * turns the YAML's snake_case document into the `AppSpec` the rest of Baton uses. Rules that relate fields
 * to each other or to the host live in rules.ts.
 */
import { z } from 'zod';
import { isReservedEvent, isScriptableHook, SCRIPTABLE_HOOKS, type ScriptableHook } from '../lifecycle.js';
import { FileExistsBehavior } from '../protocol/common.js';
import { findAclEntryProblem } from './acl-entry.js';
import { describeValue } from './describe-value.js';

export type AppSpecOs = 'linux' | 'windows';

export type FileMapping = { source: string; destination: string };

export type HookScript = {
  /** Relative to the bundle root. */
  location: string;
  /** 3600 when the appspec gives none. */
  timeoutSeconds: number;
  /** The user to run as; the agent's user when absent. */
  runas?: string;
};

export type PermissionObjectType = 'file' | 'directory';

export type SeLinuxContext = { user?: string; type: string; range?: string };

export type AppSpecPermission = {
  object: string;
  /** `**` (the default) applies recursively; any other glob matches immediate children of `object` only. */
  pattern: string;
  except: string[];
  owner?: string;
  group?: string;
  /** Octal digits exactly as written, e.g. '644' or '0644'. */
  mode?: string;
  /** setfacl entries; each names a user or group (see acl-entry.ts). */
  acls: string[];
  context?: SeLinuxContext;
  /** Both when the appspec gives none. */
  type: PermissionObjectType[];
};

export type AppSpec = {
  version: '0.0';
  os: AppSpecOs;
  files: FileMapping[];
  fileExistsBehavior?: FileExistsBehavior;
  permissions: AppSpecPermission[];
  /** Only hooks with at least one script; empty hook values are dropped. */
  hooks: Partial<Record<ScriptableHook, HookScript[]>>;
};

export const DEFAULT_SCRIPT_TIMEOUT_SECONDS = 3600;

/** YAML writes an absent value as an empty key, which reads as null: both count as missing. */
const isMissing = (value: unknown): boolean => value === undefined || value === null;

/**
 * Zod's default messages name JS types; these say what the appspec needs and tell a missing key from a
 * wrong one.
 */
const expecting = (what: string, whenMissing = 'is required') => ({
  error: (issue: { input?: unknown }) => (isMissing(issue.input) ? whenMissing : `must be ${what}`),
});

const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

const listOf = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item, expecting(what))
    .nullish()
    .transform((value): z.output<T>[] => value ?? []);

const nonEmptyText = (what: string, whenMissing?: string) =>
  z.string(expecting(what, whenMissing)).min(1, whenMissing ?? `must be ${what}`);

/** Owners and groups may be written as numeric ids, which YAML reads as numbers. */
const principal = (what: string) =>
  z.union([z.string().min(1), z.number().int().nonnegative()], expecting(what)).transform(String);

const FileMappingSchema = z.object(
  {
    source: nonEmptyText('a path in the bundle', 'specifies a destination with no source value'),
    destination: nonEmptyText('an absolute path', 'specifies a source with no destination value'),
  },
  expecting('a mapping with source and destination'),
);

const OCTAL_MODE = /^[0-7]{1,4}$/;
const SELINUX_RANGE = /^s\d+(?:-s\d+)?(?::c\d+(?:\.c\d+)?(?:,c\d+(?:\.c\d+)?)*)?$/;

const AclEntrySchema = z.string(expecting('an ACL entry string')).superRefine((entry, ctx) => {
  const problem = findAclEntryProblem(entry);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: entry });
});

/** The documentation spells the SELinux user `user`; the reference agent reads `name`. Both are accepted. */
const SeLinuxContextSchema = z
  .object(
    {
      user: optional(nonEmptyText('an SELinux user')),
      name: optional(nonEmptyText('an SELinux user')),
      type: nonEmptyText('an SELinux type', 'an SELinux context needs a type'),
      range: optional(
        z
          .string(expecting('an SELinux range'))
          .regex(SELINUX_RANGE, 'must be an SELinux range such as s0 or s0-s0:c0.c1023'),
      ),
    },
    expecting('a mapping of user, type and range'),
  )
  .transform(({ user, name, type, range }): SeLinuxContext => ({ user: user ?? name, type, range }));

const PermissionSchema = z.object(
  {
    object: nonEmptyText('a path', 'a permission has no object value'),
    pattern: optional(nonEmptyText('a glob')).transform((value) => value ?? '**'),
    except: listOf(z.string(expecting('a glob')), 'a list of globs'),
    owner: optional(principal('a user name or id')),
    group: optional(principal('a group name or id')),
    // The YAML reader hands a numeric mode over as the digits written (see yaml-document.ts).
    mode: optional(
      z
        .string(expecting('1 to 4 octal digits'))
        .regex(OCTAL_MODE, { error: (issue) => `must be 1 to 4 octal digits, not ${describeValue(issue.input)}` }),
    ),
    acls: listOf(AclEntrySchema, 'a list of ACL entries'),
    context: optional(SeLinuxContextSchema),
    type: listOf(
      z.enum(['file', 'directory'], {
        error: (issue) => `applies to files and directories only, not ${describeValue(issue.input)}`,
      }),
      'a list of object types (file, directory)',
    ).transform((types): PermissionObjectType[] => (types.length > 0 ? types : ['file', 'directory'])),
  },
  expecting('a mapping with an object'),
);

const HookScriptSchema = z.object(
  {
    location: nonEmptyText('a path in the bundle', 'specifies a script with no location value'),
    timeout: optional(
      z
        .number(expecting('a positive number of seconds'))
        .positive('must be a positive number of seconds'),
    ),
    runas: optional(nonEmptyText('a user name')),
  },
  { error: () => 'specifies a script with no location value' },
);

const HookNameSchema = z.string().refine(isScriptableHook, {
  error: (issue) =>
    isReservedEvent(describeValue(issue.input))
      ? 'is run by the system and takes no scripts'
      : `is not a lifecycle event that takes scripts (${SCRIPTABLE_HOOKS.join(', ')})`,
});

const HooksSchema = z
  .record(
    HookNameSchema,
    listOf(HookScriptSchema, 'a list of scripts'),
    expecting('a mapping of hook names to scripts'),
  )
  .nullish()
  .transform((hooks) => {
    // Walk the known names rather than the document's keys: the output follows lifecycle order.
    const result: Partial<Record<ScriptableHook, HookScript[]>> = {};
    for (const hook of SCRIPTABLE_HOOKS) {
      const scripts = hooks?.[hook] ?? [];
      if (scripts.length === 0) continue;
      result[hook] = scripts.map(({ location, timeout, runas }) => ({
        location,
        timeoutSeconds: timeout ?? DEFAULT_SCRIPT_TIMEOUT_SECONDS,
        runas,
      }));
    }
    return result;
  });

/**
 * YAML reads `version: 0.0` as the number 0; the quoted string "0.0" is accepted too. Unknown top-level
 * keys are ignored, as the reference agent does.
 */
export const AppSpecDocument = z
  .object({
    version: z.union([z.literal(0), z.literal('0.0')], {
      error: (issue) =>
        isMissing(issue.input)
          ? 'missing version value'
          : `invalid version value (${describeValue(issue.input)}); the only valid value is 0.0`,
    }),
    os: z.enum(['linux', 'windows'], {
      error: (issue) =>
        isMissing(issue.input)
          ? 'missing os value'
          : `unsupported operating system (${describeValue(issue.input)}); expected linux or windows`,
    }),
    files: listOf(FileMappingSchema, 'a list of source/destination mappings'),
    file_exists_behavior: optional(
      z.enum(FileExistsBehavior.options, {
        error: (issue) => `must be DISALLOW, OVERWRITE or RETAIN, not ${describeValue(issue.input)}`,
      }),
    ),
    permissions: listOf(PermissionSchema, 'a list of permissions'),
    hooks: HooksSchema,
  })
  .transform(
    ({ os, files, file_exists_behavior, permissions, hooks }): AppSpec => ({
      version: '0.0',
      os,
      files,
      fileExistsBehavior: file_exists_behavior,
      permissions,
      hooks,
    }),
  );
