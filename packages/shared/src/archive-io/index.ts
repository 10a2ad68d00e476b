/**
 * `@baton/shared/archive-io`: the I/O around the bundle rules — walking a tar with `tar` and a zip with `yauzl` —
 * for the coordinator (which checks a bundle before any host sees it) and the agent (which checks it again before
 * it unpacks). It is a subpath of its own, outside the purity fence, so that the package's other entry points stay
 * free of I/O.
 */
export * from './describe-failure.js';
export * from './list-tar-entries.js';
export * from './list-zip-entries.js';
