import { assertNever, type TrafficRouterSpec } from '@baton/shared';
import { HaproxyRouter } from './haproxy-router.js';
import type { TrafficRouter } from './traffic-router.js';

/** The router a group's `trafficRouter` spec describes. Creating one opens no connection. */
export function createTrafficRouter(spec: TrafficRouterSpec): TrafficRouter {
  switch (spec.type) {
    case 'haproxy':
      return new HaproxyRouter(spec);
    default:
      return assertNever(spec.type, 'traffic router type');
  }
}
