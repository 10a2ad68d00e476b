import { z } from 'zod';
import { HostFacts, Tags } from './common.js';

/** Body of `POST /agent/v1/enroll`, authenticated by an enrollment token. */
export const EnrollRequest = z.object({
  token: z.string().min(1),
  name: z.string().min(1).max(255),
  tags: Tags.default({}),
  facts: HostFacts.optional(),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

/** The host's own credential, shown once: the agent keeps it, the coordinator keeps only its hash. */
export const EnrollResponse = z.object({ hostId: z.string(), credential: z.string() });
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** HTTP paths of the agent gateway, shared so both sides agree. */
export const AgentPaths = {
  enroll: '/agent/v1/enroll',
  connect: '/agent/v1/connect',
  revision: (sha256: string) => `/agent/v1/revisions/${sha256}`,
} as const;
