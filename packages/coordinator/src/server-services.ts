import { deploymentService } from './runner/deployment-service.js';
import type { Service } from './server.js';

/**
 * The services `baton server` runs, in start order. Tests that start the coordinator as `baton server` does
 * (the OpenAPI coverage test, the CLI's) take this list, so a service added here is covered there.
 */
export const SERVER_SERVICES: readonly Service[] = [deploymentService];
