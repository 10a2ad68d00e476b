import { z } from 'zod';

/**
 * The load balancer in front of a group. Baton drives it at run time (no reloads): drain a host before its
 * stop hooks, allow it again after validation, weight canaries, switch blue/green environments.
 */
export const TrafficRouterSpec = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('haproxy'),
      /** HAProxy's runtime API: a unix socket path, or `host:port` for a TCP stats socket. */
      adminSocket: z.string().min(1),
      /** The backend that serves the group's traffic. */
      backend: z.string().min(1),
      /** Optional backend holding the same servers, used for header/cookie-matched canary requests. */
      canaryBackend: z.string().min(1).optional(),
      /** Host name → HAProxy server name in the backend(s). */
      servers: z.record(z.string().min(1), z.string().min(1)),
    })
    .strict(),
]);
export type TrafficRouterSpec = z.output<typeof TrafficRouterSpec>;
