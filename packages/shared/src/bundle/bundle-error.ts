/** Why a bundle archive was refused. `code` decides behaviour; `message` names the entry and the reason for people. */
export type BundleErrorCode = 'UNSAFE_ENTRY' | 'CORRUPT_ARCHIVE' | 'LIMIT_EXCEEDED';

export type BundleError = { readonly code: BundleErrorCode; readonly message: string };

/** Quotes an archive name for a message; JSON escaping makes control characters visible. */
export const quoteEntryName = (name: string): string => JSON.stringify(name);

/** A refusal naming one entry. */
export const bundleEntryError = (code: BundleErrorCode, path: string, reason: string): BundleError => ({
  code,
  message: `bundle entry ${quoteEntryName(path)} ${reason}`,
});
