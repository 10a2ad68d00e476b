export { startAgent, type RunningAgent } from './agent.js';
export { loadAgentConfig, parseAgentConfig, type AgentConfig, type AgentFlags } from './config.js';
export { createAgentLogger, type Logger } from './logging.js';
