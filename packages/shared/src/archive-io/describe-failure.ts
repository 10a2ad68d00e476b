import type { BundleError } from '../bundle/index.js';

/**
 * Turns an error met while reading an archive into the caller's refusal, in the caller's words. It may throw
 * instead, to treat the error as an infrastructure fault rather than the archive's (the agent does, for errors of
 * a system call).
 */
export type DescribeFailure = (error: unknown) => BundleError;
