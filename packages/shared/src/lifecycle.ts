/**
 * Lifecycle events: their names, their order (reference section 2) and which revision's scripts each one runs.
 */

/** Hooks that take scripts in an appspec. */
export const SCRIPTABLE_HOOKS = [
  'ApplicationStop',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
export type ScriptableHook = (typeof SCRIPTABLE_HOOKS)[number];

/** Events run by the system itself; an appspec may not attach scripts to them. */
export const RESERVED_EVENTS = ['DownloadBundle', 'Install', 'BlockTraffic', 'AllowTraffic'] as const;
export type ReservedEvent = (typeof RESERVED_EVENTS)[number];

export type LifecycleEventName = ScriptableHook | ReservedEvent;

export const isScriptableHook = (name: string): name is ScriptableHook =>
  (SCRIPTABLE_HOOKS as readonly string[]).includes(name);
export const isReservedEvent = (name: string): name is ReservedEvent =>
  (RESERVED_EVENTS as readonly string[]).includes(name);
export const isLifecycleEventName = (name: string): name is LifecycleEventName =>
  isScriptableHook(name) || isReservedEvent(name);

const BLOCK_TRAFFIC_EVENTS = ['BeforeBlockTraffic', 'BlockTraffic', 'AfterBlockTraffic'] as const;
const INSTALL_EVENTS = [
  'ApplicationStop',
  'DownloadBundle',
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
] as const;
const ALLOW_TRAFFIC_EVENTS = ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'] as const;

/** The in-place event order; without a traffic router the six traffic events are dropped. */
export function inPlaceEvents(withTrafficRouter: boolean): readonly LifecycleEventName[] {
  return withTrafficRouter ? [...BLOCK_TRAFFIC_EVENTS, ...INSTALL_EVENTS, ...ALLOW_TRAFFIC_EVENTS] : INSTALL_EVENTS;
}

/**
 * Blue/green (reference section 2): the replacement (green) hosts install, validate, then take traffic; the
 * original (blue) hosts only leave the router. In a blue/green rollback the roles mirror: the original hosts
 * take traffic back and the replacement hosts leave.
 */
export function blueGreenEvents(role: 'replacement' | 'original', rollback = false): readonly LifecycleEventName[] {
  if (rollback) return role === 'original' ? ALLOW_TRAFFIC_EVENTS : BLOCK_TRAFFIC_EVENTS;
  return role === 'replacement' ? [...INSTALL_EVENTS, ...ALLOW_TRAFFIC_EVENTS] : BLOCK_TRAFFIC_EVENTS;
}

/** Events the coordinator performs itself (router changes) rather than sending to the agent. */
export const isCoordinatorEvent = (name: LifecycleEventName): boolean =>
  name === 'BlockTraffic' || name === 'AllowTraffic';

/**
 * Which revision's bundle supplies the scripts of a hook (reference section 2):
 * - `lastSuccessful`: the last deployment on this host whose Install finished;
 * - `mostRecent`: the most recent deployment on this host that unpacked a bundle;
 * - `current`: the revision being deployed.
 */
export type ScriptSource = 'lastSuccessful' | 'mostRecent' | 'current';

export function scriptSourceFor(hook: ScriptableHook, blueGreenRollback: boolean): ScriptSource {
  switch (hook) {
    case 'ApplicationStop':
      return 'lastSuccessful';
    case 'BeforeBlockTraffic':
    case 'AfterBlockTraffic':
      return blueGreenRollback ? 'mostRecent' : 'lastSuccessful';
    case 'BeforeInstall':
    case 'AfterInstall':
    case 'ApplicationStart':
    case 'ValidateService':
      return 'current';
    case 'BeforeAllowTraffic':
    case 'AfterAllowTraffic':
      return blueGreenRollback ? 'lastSuccessful' : 'current';
  }
}

/** Hooks whose failure `ignoreApplicationStopFailures` turns into a move to the next event. */
export const isStopPhaseHook = (name: LifecycleEventName): boolean =>
  name === 'ApplicationStop' || name === 'BeforeBlockTraffic' || name === 'AfterBlockTraffic';
