import type { z } from 'zod';
import { err, ok, type Result } from '../result.js';
import { findRuleViolation, type AppSpecProblem } from './rules.js';
import { AppSpecDocument, type AppSpec, type AppSpecOs } from './schema.js';
import { readYamlDocument } from './yaml-document.js';

/**
 * Why an appspec was refused. `key` is the path of the offending value (`hooks.ApplicationStop[0].location`),
 * empty when the problem is the file as a whole; `message` joins file, key and reason for people:
 * `appspec.yml: hooks.ApplicationStop[0].location: specifies a script with no location value`.
 */
export type AppSpecError = { file: string; key: string; reason: string; message: string };

export type ParseAppSpecOptions = {
  /** The name reported in errors, e.g. `appspec.yml` or `appspec.yaml`. */
  fileName: string;
  /** The host's platform; an appspec for another os is refused. */
  platform: AppSpecOs;
};

const formatKeyPath = (path: readonly PropertyKey[]): string =>
  path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');

/** An invalid record key wraps the key schema's own issue; its message is the one worth showing. */
const describeIssue = (issue: z.core.$ZodIssue): AppSpecProblem => ({
  key: formatKeyPath(issue.path),
  reason: issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message,
});

function toAppSpecError(file: string, { key, reason }: AppSpecProblem): AppSpecError {
  return { file, key, reason, message: key === '' ? `${file}: ${reason}` : `${file}: ${key}: ${reason}` };
}

/**
 * Parses and validates an appspec (reference section 1). Only the first problem is reported, in a fixed
 * order: YAML syntax, then each field in the order version, os, files, file_exists_behavior, permissions,
 * hooks (entries in document order), then the cross-field rules of rules.ts.
 */
export function parseAppSpec(text: string, options: ParseAppSpecOptions): Result<AppSpec, AppSpecError> {
  const fail = (problem: AppSpecProblem) => err(toAppSpecError(options.fileName, problem));

  const document = readYamlDocument(text);
  if (!document.ok) return fail({ key: '', reason: document.error });
  if (document.value === null || document.value === undefined) return fail({ key: '', reason: 'the file is empty' });
  if (typeof document.value !== 'object' || Array.isArray(document.value)) {
    return fail({ key: '', reason: 'the file must be a YAML mapping with version, os and hooks' });
  }

  const parsed = AppSpecDocument.safeParse(document.value);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    return fail(issue === undefined ? { key: '', reason: 'invalid appspec' } : describeIssue(issue));
  }

  const violation = findRuleViolation(parsed.data, options.platform);
  return violation === undefined ? ok(parsed.data) : fail(violation);
}
