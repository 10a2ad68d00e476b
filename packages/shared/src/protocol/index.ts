export * from './envelope.js';
export * from './common.js';
export * from './coordinator-to-agent.js';
export * from './revision-source.js';
export * from './agent-to-coordinator.js';
export * from './health.js';
export * from './enrollment.js';
export * from './parse.js';
