/**
 * Checks of a group's settings that span fields or need the fleet, beyond what the shared schemas check.
 * A problem refuses the settings; a warning accepts them and is reported with the answer, because it may be
 * intended (a host that enrolls later) or merely without effect.
 */
import {
  err,
  matchesSelector,
  ok,
  type HostSelector,
  type Result,
  type Strategy,
  type Tags,
  type TrafficRouterSpec,
  type TriggerSpec,
} from '@baton/shared';

/** A problem or warning about one field, named by its path in the group file (`trafficRouter.servers.h1`). */
export interface GroupSpecNotice {
  readonly field: string;
  readonly message: string;
}

export interface CheckedGroupSpec {
  readonly hostSelector: HostSelector;
  readonly strategy: Strategy;
  readonly trafficRouter?: TrafficRouterSpec | undefined;
  /** Given only by group files. */
  readonly triggers?: readonly TriggerSpec[] | undefined;
}

export interface FleetHost {
  readonly name: string;
  readonly tags: Tags;
}

export function checkGroupSpec(spec: CheckedGroupSpec, fleet: readonly FleetHost[]): Result<GroupSpecNotice[], GroupSpecNotice> {
  if (spec.strategy.type === 'blueGreen' && !spec.trafficRouter) {
    return err({
      field: 'trafficRouter',
      message: 'a blueGreen strategy needs a trafficRouter: traffic moves from one environment to the other through it',
    });
  }
  return ok([
    ...warnAboutCanaryTraffic(spec),
    ...(spec.trafficRouter ? warnAboutServers(spec.trafficRouter, spec.hostSelector, fleet) : []),
    ...warnAboutPlainWebhooks(spec.triggers ?? []),
  ]);
}

/** A canary without a router still runs, on its hosts' normal share of traffic. */
function warnAboutCanaryTraffic({ strategy, trafficRouter }: CheckedGroupSpec): GroupSpecNotice[] {
  const canary = strategy.canary;
  if (!canary) return [];
  const warnings: GroupSpecNotice[] = [];
  if (!trafficRouter) {
    if (canary.trafficWeight !== undefined) {
      warnings.push({ field: 'strategy.canary.trafficWeight', message: 'has no effect without a trafficRouter: the canary hosts take their usual share' });
    }
    if (canary.match) {
      warnings.push({ field: 'strategy.canary.match', message: 'has no effect without a trafficRouter' });
    }
  } else if (canary.match && trafficRouter.canaryBackend === undefined) {
    warnings.push({ field: 'strategy.canary.match', message: 'has no effect without trafficRouter.canaryBackend, which receives the matching requests' });
  }
  return warnings;
}

/** Server names are keyed by host name; hosts may enroll after the group is written, so unknown names only warn. */
function warnAboutServers(router: TrafficRouterSpec, hostSelector: HostSelector, fleet: readonly FleetHost[]): GroupSpecNotice[] {
  const warnings: GroupSpecNotice[] = [];
  for (const hostName of Object.keys(router.servers)) {
    const host = fleet.find((candidate) => candidate.name === hostName);
    const field = `trafficRouter.servers.${hostName}`;
    if (!host) warnings.push({ field, message: `no host named '${hostName}' is enrolled yet` });
    else if (!matchesSelector(host.tags, hostSelector)) warnings.push({ field, message: `host '${hostName}' is not in the group: its tags do not match` });
  }
  const unmapped = fleet
    .filter((host) => matchesSelector(host.tags, hostSelector) && !Object.hasOwn(router.servers, host.name))
    .map((host) => host.name);
  if (unmapped.length > 0) {
    warnings.push({
      field: 'trafficRouter.servers',
      message: `no server for the group's hosts ${unmapped.join(', ')}: their traffic cannot be drained or switched`,
    });
  }
  return warnings;
}

/** A signature proves who sent a body, not that nobody read it: over plain HTTP only a local receiver is safe. */
function warnAboutPlainWebhooks(triggers: readonly TriggerSpec[]): GroupSpecNotice[] {
  return triggers.flatMap((trigger, index) => {
    const url = new URL(trigger.url);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'http:' || local) return [];
    return [{ field: `triggers.${index}.url`, message: 'plain http: deployment details travel unencrypted; prefer https' }];
  });
}
