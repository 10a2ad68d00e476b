/**
 * How a refused appspec value appears in an error reason. The value comes from an untrusted file: it may be
 * huge (the reason travels to the coordinator inside an event result, whose frames are bounded) or circular (a
 * YAML alias may contain itself, `a: &x [*x]`), so the text is bounded and never throws.
 */
const MAX_SHOWN_CHARS = 100;

export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Array.isArray(value) ? 'a list that contains itself' : 'a mapping that contains itself';
  }
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS - 3)}...` : text;
}
