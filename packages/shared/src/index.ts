export * from './result.js';
export * from './status.js';
export * from './codes.js';
export * from './lifecycle.js';
export * from './protocol/index.js';
export * from './appspec/index.js';
export * from './deployment-config.js';
export * from './tags.js';
