/**
 * Carries out the engine's traffic commands on the group's router and turns the outcome into the engine event
 * that reports it: BlockTraffic / AllowTraffic become an EVENT_RESULT of their lifecycle event; a refused
 * canary split becomes TRAFFIC_FAILED. Router operations are idempotent, so a command repeated after a
 * restart is harmless.
 */
import type { TrafficRouterSpec } from '@baton/shared';
import type { Command, DeploymentState, EngineEvent } from '../engine/index.js';
import type { TrafficRouter } from '../traffic/traffic-router.js';

export type RouterFactory = (spec: TrafficRouterSpec) => TrafficRouter;

type RouteCommand = Extract<Command, { type: 'ROUTE_TRAFFIC' }>;
type SplitCommand = Extract<Command, { type: 'SET_TRAFFIC_SPLIT' }>;
type TrafficFailed = Extract<EngineEvent, { type: 'TRAFFIC_FAILED' }>;

export async function routeTraffic(router: TrafficRouter | undefined, state: DeploymentState, command: RouteCommand, now: () => number): Promise<EngineEvent> {
  const startTime = now();
  const hostName = nameOf(state, command.hostId);
  const event = command.action === 'block' ? 'BlockTraffic' : 'AllowTraffic';
  try {
    if (!router) throw new Error('the deployment group has no traffic router');
    if (command.action === 'block') await router.block(hostName);
    else await router.allow(hostName);
    const message = command.action === 'block' ? `${hostName} drained: no new requests` : `${hostName} is in service`;
    return result(command.commandId, 'Succeeded', startTime, now(), { errorCode: 'Success', message, logTail: '' });
  } catch (error) {
    const message = `${event} of ${hostName} failed: ${error instanceof Error ? error.message : String(error)}`;
    return result(command.commandId, 'Failed', startTime, now(), { errorCode: 'UnknownError', message, logTail: '' });
  }
}

/**
 * Applies a traffic split (canary weights, a blue/green shift, or the restore of normal weights); answers
 * TRAFFIC_FAILED when the router refuses, nothing when it is done.
 */
export async function splitTraffic(router: TrafficRouter | undefined, state: DeploymentState, command: SplitCommand): Promise<TrafficFailed | undefined> {
  try {
    if (!router) return undefined; // Without a router a canary simply has no traffic split.
    if (command.shares) {
      await router.setWeights(Object.fromEntries(command.shares.map((share) => [nameOf(state, share.hostId), share.percent])));
    } else {
      await router.restoreWeights();
    }
    await router.routeMatchedTo(command.matchedHostIds.map((hostId) => nameOf(state, hostId)));
    return undefined;
  } catch (error) {
    return { type: 'TRAFFIC_FAILED', message: error instanceof Error ? error.message : String(error) };
  }
}

function nameOf(state: DeploymentState, hostId: string): string {
  const host = state.hosts.find((h) => h.hostId === hostId);
  if (!host) throw new Error(`host ${hostId} is not part of deployment ${state.deploymentId}`);
  return host.name;
}

const result = (
  commandId: string,
  status: 'Succeeded' | 'Failed',
  startTime: number,
  endTime: number,
  diagnostics: { errorCode: 'Success' | 'UnknownError'; message: string; logTail: string },
): EngineEvent => ({ type: 'EVENT_RESULT', commandId, status, startTime, endTime, diagnostics });
