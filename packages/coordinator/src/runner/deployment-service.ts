/**
 * The deployment machinery as one server service: the agent gateway on the HTTP server's upgrade path, the
 * engine runner that drives deployments through it, and the deployments API that feeds the runner.
 */
import { deploymentRoutes } from '../http/routes/deployments.js';
import type { RunningService, Service } from '../server.js';
import { AgentGateway } from '../transport/agent-gateway.js';
import { EngineRunner } from './engine-runner.js';

export const deploymentService: Service = {
  name: 'deployments',
  start({ config, db, logger, httpServer }): RunningService {
    const gateway = new AgentGateway(httpServer, db, logger.child({ component: 'gateway' }), {
      heartbeatIntervalMs: config.heartbeatIntervalMs,
    });
    const runner = new EngineRunner(db, gateway, logger.child({ component: 'runner' }), {
      eventTimeoutMs: config.eventTimeoutMs,
      offlineEventTimeoutMs: config.offlineEventTimeoutMs,
    });
    gateway.attach({
      onConnectivity: (hostId, online) => runner.onHostConnectivity(hostId, online),
      onEventResult: (hostId, result) => runner.onEventResult(hostId, result),
    });
    runner.recover();
    return {
      routes: [deploymentRoutes(runner)],
      async stop() {
        runner.close();
        await gateway.close();
      },
    };
  },
};
