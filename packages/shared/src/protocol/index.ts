export * from './envelope.js';
export * from './common.js';
export * from './coordinator-to-agent.js';
export * from './agent-to-coordinator.js';
export * from './enrollment.js';
export * from './parse.js';
