export * from './archive-entry.js';
export * from './archive-limits.js';
export * from './bundle-error.js';
export * from './entry-rules.js';
export * from './tar-entry.js';
export * from './zip-entry.js';
