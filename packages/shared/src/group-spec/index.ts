export * from './common.js';
export * from './strategy.js';
export * from './traffic-router.js';
export * from './health-check.js';
export * from './alarm.js';
export * from './trigger.js';
export * from './group-file.js';
