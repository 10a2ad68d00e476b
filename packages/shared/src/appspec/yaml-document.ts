/**
 * Reads an appspec's YAML into plain data. The appspec is untrusted input: syntax errors, duplicate keys and
 * alias bombs come back as a reason, never as a thrown exception.
 */
import { isScalar, parseDocument, visit, type Document } from 'yaml';
import { err, ok, type Result } from '../result.js';

/**
 * YAML 1.2 reads a bare `mode: 0644` as the decimal number 644 and `mode: 0o644` as 420, so the number
 * alone cannot say which digits were written. A numeric `mode` is handed on as its source text, so that
 * `644` and `0644` mean what chmod would make of them and `0o644` is refused as not octal digits.
 */
function keepWrittenModes(document: Document): void {
  visit(document, {
    Pair(_, pair) {
      const { key, value } = pair;
      if (!isScalar(key) || key.value !== 'mode') return;
      if (isScalar(value) && typeof value.value === 'number' && value.source !== undefined) value.value = value.source;
    },
  });
}

export function readYamlDocument(text: string): Result<unknown, string> {
  const document = parseDocument(text, { prettyErrors: false });
  const [syntaxError] = document.errors;
  if (syntaxError !== undefined) return err(`invalid YAML: ${syntaxError.message}`);
  keepWrittenModes(document);
  try {
    return ok(document.toJS({ maxAliasCount: 100 }));
  } catch (cause) {
    // toJS throws on unresolved aliases and on too many alias expansions: both are faults of the input.
    return err(`invalid YAML: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
