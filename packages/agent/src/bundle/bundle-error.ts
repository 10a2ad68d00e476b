/** Why a bundle archive was refused. `code` decides behaviour; `message` names the entry and the reason for people. */
export type BundleErrorCode = 'UNSAFE_ENTRY' | 'CORRUPT_ARCHIVE' | 'LIMIT_EXCEEDED';

export type BundleError = { readonly code: BundleErrorCode; readonly message: string };

/** Quotes an archive name for a message; JSON escaping makes control characters visible. */
export const quoteName = (name: string): string => JSON.stringify(name);
