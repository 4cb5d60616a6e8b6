import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import { FarmLoader } from './farmLoader.js';
import { FleetLoader } from './fleetLoader.js';
import { JobLoader } from './jobLoader.js';
import { QueueLoader } from './queueLoader.js';
import { SessionLoader } from './sessionLoader.js';
import { WorkerLoader } from './workerLoader.js';

/** A fresh set per GraphQL request: caches never outlive the request nor cross users. */
export function createLoaders(upstream: DeadlineUpstream) {
  return {
    farms: new FarmLoader(upstream),
    queues: new QueueLoader(upstream),
    jobs: new JobLoader(upstream),
    sessions: new SessionLoader(upstream),
    fleets: new FleetLoader(upstream),
    workers: new WorkerLoader(upstream),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
