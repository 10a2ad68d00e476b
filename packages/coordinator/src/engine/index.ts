export * from './types.js';
export { startDeployment, step } from './step.js';
export { commandIdFor } from './command-id.js';
