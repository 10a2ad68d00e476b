/**
 * The deployment machinery as one server service: the agent gateway on the HTTP server's upgrade path, the
 * engine runner that drives deployments through it, the deployments API that feeds the runner, and the
 * health monitor (host metrics, health checks, alarms) that watches the runner's active deployments.
 */
import { HealthMonitor } from '../health/health-monitor.js';
import { hostMetricsRoutes } from '../health/host-metrics-routes.js';
import { deploymentRoutes } from '../http/routes/deployments.js';
import { hostUpgradeRoutes } from '../http/routes/host-upgrade.js';
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
    const health = new HealthMonitor(db, runner, gateway, logger.child({ component: 'health' }));
    gateway.attach({
      onConnectivity: (hostId, online) => runner.onHostConnectivity(hostId, online),
      onEventResult: (hostId, result) => runner.onEventResult(hostId, result),
      onHostMetrics: (hostId, sample) => health.onHostMetrics(hostId, sample),
      onHealthStatus: (hostId, status) => health.onHealthStatus(hostId, status),
    });
    runner.recover();
    health.start();
    return {
      routes: [deploymentRoutes(runner), hostMetricsRoutes(health.metrics), hostUpgradeRoutes(gateway)],
      async stop() {
        health.stop();
        runner.close();
        await gateway.close();
      },
    };
  },
};
