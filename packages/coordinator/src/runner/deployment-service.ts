/**
 * The deployment machinery as one server service: the agent gateway on the HTTP server's upgrade path, the
 * engine runner that drives deployments through it, the deployments API that feeds the runner, and the
 * health monitor (host metrics, health checks, alarms) that watches the runner's active deployments, and the
 * hook output agents stream (stored, followed live, pruned after its retention). The variable vault holds the
 * secrets key (the server's, loaded at start): it gives run-events their variables as they are sent and masks
 * secrets in what hosts send back.
 * Prometheus metrics (`/metrics`) and the triggers' webhooks follow the runner's feed of committed changes;
 * the web dashboard (`/ui`) shows and drives it all.
 */
import { principalForToken } from '../access/principal-for-token.js';
import { dashboardPages } from '../dashboard/dashboard-pages.js';
import { HealthMonitor } from '../health/health-monitor.js';
import { hostMetricsRoutes } from '../health/host-metrics-routes.js';
import { deploymentRoutes } from '../http/routes/deployments.js';
import { deploymentLogRoutes } from '../http/routes/deployment-logs.js';
import { hostUpgradeRoutes } from '../http/routes/host-upgrade.js';
import { AgentUpgrades } from '../install/agent-upgrades.js';
import { hostDeregistrationRoutes } from '../http/routes/hosts.js';
import { variableRoutes } from '../http/routes/variables.js';
import { HookOutputLog } from '../logs/hook-output-log.js';
import { OutputRetention } from '../logs/output-retention.js';
import { CoordinatorMetrics } from '../metrics/coordinator-metrics.js';
import { metricsEndpoint } from '../metrics/metrics-endpoint.js';
import { WebhookDispatcher } from '../notifications/webhook-dispatcher.js';
import type { RunningService, Service } from '../server.js';
import { AgentGateway } from '../transport/agent-gateway.js';
import { maskEventResult, maskHookOutput, withHookVariables } from '../variables/hook-variables-messenger.js';
import { VariableVault } from '../variables/variable-vault.js';
import { EngineRunner } from './engine-runner.js';

/** How often hook output past its retention is looked for. */
const OUTPUT_PRUNE_INTERVAL_MS = 3_600_000;

export const deploymentService: Service = {
  name: 'deployments',
  start({ config, db, logger, httpServer, clock, secretsKey, rateLimiter }): RunningService {
    const vault = new VariableVault(db, secretsKey);
    const variablesLogger = logger.child({ component: 'variables' });
    const gateway = new AgentGateway(httpServer, db, logger.child({ component: 'gateway' }), {
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      maxFrameBytes: config.maxFrameBytes,
      rateLimiter,
    });
    const runner = new EngineRunner(db, withHookVariables(gateway, vault, variablesLogger), logger.child({ component: 'runner' }), {
      eventTimeoutMs: config.eventTimeoutMs,
      offlineEventTimeoutMs: config.offlineEventTimeoutMs,
    });
    const logs = new HookOutputLog(db, logger.child({ component: 'logs' }));
    const retention = new OutputRetention(
      db,
      { retentionMs: config.logRetentionMs, intervalMs: OUTPUT_PRUNE_INTERVAL_MS },
      logger.child({ component: 'logs' }),
      clock,
    );
    const health = new HealthMonitor(db, runner, gateway, logger.child({ component: 'health' }));
    const upgrades = new AgentUpgrades(db, gateway, runner, logger.child({ component: 'upgrades' }), clock);
    gateway.attach({
      onConnectivity: (hostId, online) => {
        runner.onHostConnectivity(hostId, online);
        upgrades.onConnectivity(hostId, online);
      },
      onEventResult: (hostId, result) => runner.onEventResult(hostId, maskEventResult(result, vault, variablesLogger)),
      onHostMetrics: (hostId, sample) => health.onHostMetrics(hostId, sample),
      onHealthStatus: (hostId, status) => health.onHealthStatus(hostId, status),
      onUpgradeStatus: (hostId, status) => upgrades.onUpgradeStatus(hostId, status),
      onHookOutput: (hostId, output) => logs.record(hostId, maskHookOutput(output, vault, variablesLogger)),
    });
    // Metrics and webhooks follow every committed change, from the changes the recovery itself makes on.
    const metrics = new CoordinatorMetrics(db);
    const webhooks = new WebhookDispatcher(
      db,
      secretsKey,
      {
        retry: { attempts: config.webhooks.attempts, initialBackoffMs: config.webhooks.initialBackoffMs },
        timeoutMs: config.webhooks.timeoutMs,
        retentionMs: config.logRetentionMs,
      },
      logger.child({ component: 'webhooks' }),
      { onAttemptFailed: () => metrics.countWebhookFailure() },
      clock,
    );
    runner.feed.subscribe((change) => {
      metrics.observe(change);
      webhooks.onChange(change);
    });
    runner.recover();
    webhooks.start();
    upgrades.start();
    health.start();
    retention.start();
    return {
      routes: [deploymentRoutes(runner), hostMetricsRoutes(health.metrics), hostUpgradeRoutes(upgrades, gateway), hostDeregistrationRoutes(gateway), deploymentLogRoutes(runner, logs), variableRoutes(vault)],
      pages: [
        metricsEndpoint(metrics, config.metricsToken),
        dashboardPages({ runner, metrics: health.metrics, hookOutput: logs.bus, authenticate: principalForToken }),
      ],
      async stop() {
        await webhooks.stop();
        await retention.stop();
        health.stop();
        upgrades.stop();
        runner.close();
        await gateway.close();
      },
    };
  },
};
