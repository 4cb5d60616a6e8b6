/**
 * Native Deadline Cloud identifiers and the composite keys that locate each resource.
 *
 * Deadline's list and get responses often omit parent IDs (a JobSummary has no farmId/queueId), so every record
 * the gateway handles carries its full key. Keys are also what loaders cache by and what global IDs encode.
 */

/** Anchored ID patterns from the Deadline Cloud model (service-2.json). */
export const ID_PATTERNS = {
  farmId: /^farm-[0-9a-f]{32}$/,
  queueId: /^queue-[0-9a-f]{32}$/,
  jobId: /^job-[0-9a-f]{32}$/,
  sessionId: /^session-[0-9a-f]{32}$/,
  fleetId: /^fleet-[0-9a-f]{32}$/,
  workerId: /^worker-[0-9a-f]{32}$/,
} as const;

export type IdName = keyof typeof ID_PATTERNS;

export interface FarmKey {
  farmId: string;
}
export interface QueueKey extends FarmKey {
  queueId: string;
}
export interface JobKey extends QueueKey {
  jobId: string;
}
export interface SessionKey extends JobKey {
  sessionId: string;
}
export interface FleetKey extends FarmKey {
  fleetId: string;
}
export interface WorkerKey extends FleetKey {
  workerId: string;
}

/** The parts of each entity's key, outermost first. The order defines key paths and global IDs. */
export const KEY_PARTS = {
  Farm: ['farmId'],
  Queue: ['farmId', 'queueId'],
  Job: ['farmId', 'queueId', 'jobId'],
  Session: ['farmId', 'queueId', 'jobId', 'sessionId'],
  Fleet: ['farmId', 'fleetId'],
  Worker: ['farmId', 'fleetId', 'workerId'],
} as const satisfies Record<string, readonly IdName[]>;

export type EntityType = keyof typeof KEY_PARTS;

export interface EntityKeys {
  Farm: FarmKey;
  Queue: QueueKey;
  Job: JobKey;
  Session: SessionKey;
  Fleet: FleetKey;
  Worker: WorkerKey;
}

/** A key tagged with its entity type. */
export type TypedKey = { [T in EntityType]: { type: T; key: EntityKeys[T] } }[EntityType];

export function isEntityType(value: string): value is EntityType {
  return Object.hasOwn(KEY_PARTS, value);
}

export function isValidId(name: IdName, value: string): boolean {
  return ID_PATTERNS[name].test(value);
}

/**
 * `farm-…/queue-…/job-…`: a key as one string, used as cache key and inside cursors and global IDs. The parts and
 * their order are KEY_PARTS's (a unit test holds the two together); spelled out per type because every record,
 * cache lookup and global ID costs one of these.
 */
export function keyPath<T extends EntityType>(type: T, key: EntityKeys[T]): string {
  // A missing part prints as '' (as Array#join did), never as "undefined".
  const k = key as unknown as Partial<Record<IdName, string>>;
  switch (type) {
    case 'Farm':
      return `${k.farmId ?? ''}`;
    case 'Queue':
      return `${k.farmId ?? ''}/${k.queueId ?? ''}`;
    case 'Job':
      return `${k.farmId ?? ''}/${k.queueId ?? ''}/${k.jobId ?? ''}`;
    case 'Session':
      return `${k.farmId ?? ''}/${k.queueId ?? ''}/${k.jobId ?? ''}/${k.sessionId ?? ''}`;
    case 'Fleet':
      return `${k.farmId ?? ''}/${k.fleetId ?? ''}`;
    case 'Worker':
      return `${k.farmId ?? ''}/${k.fleetId ?? ''}/${k.workerId ?? ''}`;
    default:
      throw new TypeError(`keyPath: unknown entity type ${String(type)}`);
  }
}

/**
 * Parses a key path back into a key, or returns undefined when it does not have the right number of parts or a
 * part does not match its ID pattern.
 */
export function parseKeyPath<T extends EntityType>(type: T, path: string): EntityKeys[T] | undefined {
  const parts: readonly IdName[] = KEY_PARTS[type];
  const values = path.split('/');
  if (values.length !== parts.length) return undefined;
  const key: Partial<Record<IdName, string>> = {};
  for (const [index, part] of parts.entries()) {
    const value = values[index];
    if (value === undefined || !isValidId(part, value)) return undefined;
    key[part] = value;
  }
  return key as unknown as EntityKeys[T];
}

/** The entity type a key belongs to, told by which IDs it has (every type's set of key parts is distinct). */
export function entityTypeOf(key: object): EntityType {
  if ('sessionId' in key) return 'Session';
  if ('workerId' in key) return 'Worker';
  if ('jobId' in key) return 'Job';
  if ('fleetId' in key) return 'Fleet';
  if ('queueId' in key) return 'Queue';
  return 'Farm';
}
