import { z } from 'zod';
import { ResourceName } from '../schemas.js';

/**
 * The path parameters of the admin API, for the OpenAPI document. Handlers read them with `c.req.param` and
 * look the resource up (404 when absent); these schemas say what a valid one looks like.
 */
export const AppParams = z.object({ app: ResourceName });
export const GroupParams = z.object({ app: ResourceName, group: ResourceName });
export const IdParams = z.object({ id: z.string().min(1) });
