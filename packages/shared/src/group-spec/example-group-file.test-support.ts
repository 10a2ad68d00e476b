/** Test support: the group file of the issue that introduced group files, exercising every section. */
export const EXAMPLE_GROUP_FILE = `application: shop
name: web
hosts: {tags: [{key: role, value: web, type: KEY_AND_VALUE}]}
deploymentConfig: CodeDeployDefault.OneAtATime
strategy:
  type: canary
  canary: {hosts: 1, bake: 30s, promote: auto, trafficWeight: 10, match: {header: "X-Canary: 1"}}
  rolling: {batches: [1, "10%", "50%", "100%"], bake: 30s, zoneTag: zone, firstZoneBake: 60s,
            minHealthyPerZone: "0%", maxFailures: {perBatch: 0, total: 1}}
  blueGreen: {environmentTag: env, readyWait: manual, terminationWait: 5m,
              traffic: {type: TimeBasedLinear, percentage: 25, interval: 30s}}
trafficRouter: {type: haproxy, adminSocket: /run/haproxy/admin.sock, backend: app,
                servers: {h1: web1, h2: web2}}
healthChecks: [{type: http, url: "http://127.0.0.1:8080/health", expectStatus: 200, interval: 5s,
                timeout: 2s, unhealthyAfter: 3}]
alarms: [{name: cpu, type: hostMetric, metric: cpu, above: 90, for: 60s},
         {name: errors, type: prometheus, url: "http://127.0.0.1:9090", query: "rate(errors[1m])", above: 0.05}]
autoRollback: {events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST]}
outdatedInstances: UPDATE
`;
