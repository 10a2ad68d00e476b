export * from './result.js';
export * from './status.js';
export * from './codes.js';
export * from './lifecycle.js';
export * from './protocol/index.js';
