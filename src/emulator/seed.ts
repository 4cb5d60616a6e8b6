/**
 * Deterministic demo data: a believable VFX studio on Deadline Cloud, generated from a seed.
 *
 * The same seed and sizes always give byte-identical data (no clock, no Math.random): every timestamp is relative
 * to the fixed DATASET_NOW. Farm 1 "Main Studio Farm" holds the edge jobs (sessions counts 0, 1, 99, 100, 101, 250
 * and `largeJobSessions`) in its first queue "comp", and a first fleet with `largeFleetWorkers` workers. The comp
 * queue ends with the edge-step jobs (one step of 0, 1, 100, 101 and `largeStepTasks` tasks each).
 *
 * Two random streams: one for farms, queues, fleets, workers, jobs and sessions, one for each job's work (steps,
 * tasks, session actions: seedWork.ts), so the work can change without moving any other seeded ID.
 */
import {
  type Dataset,
  DEFAULT_SEED_SIZES,
  EDGE_SESSION_COUNTS,
  EDGE_TASK_COUNTS,
  type FarmRecord,
  type FleetConfiguration,
  type FleetRecord,
  type HostProperties,
  type JobLifecycleStatus,
  type JobRecord,
  type JobRef,
  type JobTargetTaskRunStatus,
  type QueueRecord,
  rollUpTaskRunStatus,
  type SeedSizes,
  type SessionActionRecord,
  type SessionLifecycleStatus,
  type SessionRecord,
  type StepLink,
  type StepRecord,
  type StepRef,
  type TaskRecord,
  type WorkerRecord,
  type WorkerStatus,
} from './dataset.js';
import { iso } from './isoTime.js';
import { SeededRandom } from './seededRandom.js';
import { generateJobWork, type JobWork, type WorkOutcome, type WorkPlan } from './seedWork.js';

/** The dataset's "now": all seeded timestamps lie before it. */
export const DATASET_NOW = Date.UTC(2025, 5, 2, 18, 0, 0);

const ACCOUNT_ID = '123456789012';
const REGION = 'us-west-2';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const QUEUE_NAMES = [
  'comp',
  'lighting',
  'sim',
  'fx',
  'layout',
  'anim',
  'lookdev',
  'cfx',
  'matchmove',
  'roto',
];
const TASK_BY_QUEUE: Record<string, string> = { lighting: 'lgt', layout: 'lay', matchmove: 'mm' };
const SHOWS = ['nebula', 'driftwood', 'ironvale'];

interface FleetTemplate {
  name: string;
  hostPrefix: string;
  kind: 'customerManaged' | 'serviceManagedEc2';
  os: 'LINUX' | 'WINDOWS' | 'MACOS';
  arch: 'x86_64' | 'arm64';
  vCpu: { min: number; max: number };
  memoryMiB: { min: number; max: number };
  gpu?: 'l4' | 't4' | 'a10g';
  instanceTypes?: string[];
  market?: 'on-demand' | 'spot';
}

const FLEET_TEMPLATES: FleetTemplate[] = [
  {
    name: 'Linux render fleet',
    hostPrefix: 'render-lnx',
    kind: 'customerManaged',
    os: 'LINUX',
    arch: 'x86_64',
    vCpu: { min: 32, max: 64 },
    memoryMiB: { min: 131072, max: 262144 },
  },
  {
    name: 'GPU sim fleet',
    hostPrefix: 'sim-gpu',
    kind: 'serviceManagedEc2',
    os: 'LINUX',
    arch: 'x86_64',
    vCpu: { min: 16, max: 48 },
    memoryMiB: { min: 65536, max: 196608 },
    gpu: 'l4',
    instanceTypes: ['g6.4xlarge', 'g6.8xlarge', 'g6.12xlarge'],
    market: 'on-demand',
  },
  {
    name: 'Windows comp fleet',
    hostPrefix: 'comp-win',
    kind: 'customerManaged',
    os: 'WINDOWS',
    arch: 'x86_64',
    vCpu: { min: 8, max: 32 },
    memoryMiB: { min: 32768, max: 131072 },
  },
  {
    name: 'Spot burst fleet',
    hostPrefix: 'burst',
    kind: 'serviceManagedEc2',
    os: 'LINUX',
    arch: 'x86_64',
    vCpu: { min: 16, max: 64 },
    memoryMiB: { min: 32768, max: 262144 },
    instanceTypes: ['c7i.8xlarge', 'm7i.8xlarge', 'c6i.16xlarge'],
    market: 'spot',
  },
  {
    name: 'Mac review fleet',
    hostPrefix: 'review-mac',
    kind: 'customerManaged',
    os: 'MACOS',
    arch: 'arm64',
    vCpu: { min: 8, max: 24 },
    memoryMiB: { min: 16384, max: 65536 },
  },
];

const SANDBOX_FLEET: FleetTemplate = {
  name: 'Sandbox Linux fleet',
  hostPrefix: 'sandbox-lnx',
  kind: 'customerManaged',
  os: 'LINUX',
  arch: 'x86_64',
  vCpu: { min: 4, max: 16 },
  memoryMiB: { min: 8192, max: 65536 },
};

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Throws on sizes that cannot produce a valid dataset. */
export function resolveSeedSizes(partial: Partial<SeedSizes> = {}): SeedSizes {
  const sizes: SeedSizes = { ...DEFAULT_SEED_SIZES, ...partial };
  const minimums: Record<keyof SeedSizes, number> = {
    farms: 1,
    queuesPerFarm: 1,
    jobsPerQueue: 0,
    fleetsPerFarm: 1,
    workersPerFleet: 1,
    largeFleetWorkers: 1,
    largeJobSessions: 0,
    largeStepTasks: 0,
  };
  for (const key of Object.keys(minimums) as (keyof SeedSizes)[]) {
    const value = sizes[key];
    if (!Number.isSafeInteger(value) || value < minimums[key]) {
      throw new RangeError(`sizes.${key} must be an integer ≥ ${minimums[key]}, got ${String(value)}`);
    }
  }
  return sizes;
}

interface FleetWithWorkers {
  fleet: FleetRecord;
  workers: WorkerRecord[];
}

interface JobPlan {
  sessionCount: number;
  /** Force a running job whose last sessions cover every non-ENDED lifecycle status. */
  coverAllSessionStatuses?: boolean;
  /** Force a running job. */
  running?: boolean;
  /** An edge job: plain CREATE_COMPLETE lifecycle, priority 50. */
  edge?: boolean;
  createdAgoMs?: number;
  /** An edge-step job: one step with exactly this many tasks. */
  stepTasks?: number;
  /** Overrides the drawn outcome of a job that has not started or has finished. */
  outcome?: 'READY' | 'SUCCEEDED';
}

/** A job with everything under it. */
interface BuiltJob {
  job: JobRecord;
  sessions: SessionRecord[];
  work: JobWork;
}

class DatasetBuilder {
  private readonly random: SeededRandom;
  /** The stream of the jobs' work (seedWork.ts). */
  private readonly workRandom: SeededRandom;
  readonly principals: string[];

  constructor(
    readonly seed: number,
    readonly sizes: SeedSizes,
  ) {
    this.random = new SeededRandom(seed);
    this.workRandom = new SeededRandom((seed ^ 0x5bd1e995) >>> 0);
    const storePrefix = this.random.hex32().slice(0, 10);
    this.principals = Array.from({ length: 8 }, () => `${storePrefix}-${uuidFrom(this.random.hex32())}`);
  }

  id(prefix: string): string {
    return `${prefix}-${this.random.hex32()}`;
  }

  /** The farm's limits (licenses task runs acquire), from the work stream. */
  limitIds(): string[] {
    return [`limit-${this.workRandom.hex32()}`, `limit-${this.workRandom.hex32()}`];
  }

  /** 0–30 sessions, 0 for roughly one job in seven (not started yet). */
  sessionCountForOrdinaryJob(): number {
    return this.random.chance(0.15) ? 0 : this.random.int(1, 30);
  }

  principal(): string {
    return this.random.pick(this.principals);
  }

  /** A member list: always the first principal (the studio admin) plus a few others. */
  members(count: number): string[] {
    const [admin, ...others] = this.principals;
    return [admin ?? '', ...this.random.sample(others, count - 1)];
  }

  farm(index: number): FarmRecord {
    const main = index === 0;
    const createdAt = DATASET_NOW - (main ? 420 : 90 + index) * DAY;
    const farm: FarmRecord = {
      farmId: this.id('farm'),
      displayName: main ? 'Main Studio Farm' : index === 1 ? 'Sandbox Farm' : `Sandbox Farm ${index}`,
      description: main
        ? 'Production rendering, simulation and comp for all shows'
        : 'Pipeline testing and artist experiments; no production deliveries',
      costScaleFactor: main ? 1 : 0.5,
      createdAt: iso(createdAt),
      createdBy: this.principals[0] ?? '',
    };
    if (main) {
      farm.kmsKeyArn = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${uuidFrom(this.random.hex32())}`;
      farm.updatedAt = iso(createdAt + 200 * DAY);
      farm.updatedBy = this.principal();
    }
    return farm;
  }

  fleet(
    farm: FarmRecord,
    template: FleetTemplate,
    displayName: string,
    workerCount: number,
  ): FleetWithWorkers {
    const fleetId = this.id('fleet');
    const createdAt = Date.parse(farm.createdAt) + this.random.int(1, 30) * DAY;
    const slug = template.hostPrefix;
    const roleArn = `arn:aws:iam::${ACCOUNT_ID}:role/DeadlineFleetRole-${slug}`;
    const ec2 = template.kind === 'serviceManagedEc2';
    let configuration: FleetConfiguration;
    if (ec2) {
      configuration = {
        serviceManagedEc2: {
          instanceCapabilities: {
            vCpuCount: template.vCpu,
            memoryMiB: template.memoryMiB,
            osFamily: template.os === 'WINDOWS' ? 'WINDOWS' : 'LINUX',
            cpuArchitectureType: template.arch,
            ...(template.gpu
              ? {
                  acceleratorCapabilities: {
                    selections: [{ name: template.gpu }],
                    count: { min: 1, max: 4 },
                  },
                }
              : {}),
            ...(template.instanceTypes ? { allowedInstanceTypes: template.instanceTypes } : {}),
          },
          instanceMarketOptions: { type: template.market ?? 'on-demand' },
        },
      };
    } else {
      configuration = {
        customerManaged: {
          mode: 'NO_SCALING',
          workerCapabilities: {
            vCpuCount: template.vCpu,
            memoryMiB: template.memoryMiB,
            osFamily: template.os,
            cpuArchitectureType: template.arch,
          },
        },
      };
    }
    const workers: WorkerRecord[] = [];
    for (let i = 0; i < workerCount; i++)
      workers.push(this.worker(farm.farmId, fleetId, template, i, roleArn));
    const fleet: FleetRecord = {
      fleetId,
      farmId: farm.farmId,
      displayName,
      description: `${template.os.toLowerCase()} ${template.arch} workers (${ec2 ? 'service-managed EC2' : 'on-premises'})`,
      status: 'ACTIVE',
      autoScalingStatus: ec2 ? this.random.pick(['STEADY', 'GROWING', 'SHRINKING'] as const) : 'STEADY',
      ...(ec2 ? { targetWorkerCount: workerCount } : {}),
      workerCount,
      minWorkerCount: 0,
      maxWorkerCount: Math.max(workerCount, 200),
      configuration,
      capabilities: {
        amounts: [
          { name: 'amount.worker.vcpu', min: template.vCpu.min, max: template.vCpu.max },
          { name: 'amount.worker.memory', min: template.memoryMiB.min, max: template.memoryMiB.max },
          ...(template.gpu ? [{ name: 'amount.worker.gpu', min: 1, max: 4 }] : []),
        ],
        attributes: [
          { name: 'attr.worker.os.family', values: [template.os.toLowerCase()] },
          { name: 'attr.worker.cpu.arch', values: [template.arch] },
        ],
      },
      roleArn,
      createdAt: iso(createdAt),
      createdBy: this.principals[0] ?? '',
      updatedAt: iso(createdAt + this.random.int(1, 60) * DAY),
      updatedBy: this.principal(),
    };
    return { fleet, workers };
  }

  worker(
    farmId: string,
    fleetId: string,
    template: FleetTemplate,
    index: number,
    roleArn: string,
  ): WorkerRecord {
    const workerId = this.id('worker');
    const subnet = FLEET_TEMPLATES.indexOf(template) + 10;
    const ipV4 = `10.${subnet}.${Math.floor(index / 250)}.${(index % 250) + 1}`;
    let hostProperties: HostProperties;
    if (template.kind === 'serviceManagedEc2') {
      hostProperties = {
        ipAddresses: { ipV4Addresses: [ipV4] },
        hostName: `ip-${ipV4.replaceAll('.', '-')}.${REGION}.compute.internal`,
        ec2InstanceArn: `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:instance/i-${this.random.hex32().slice(0, 17)}`,
        ec2InstanceType: this.random.pick(template.instanceTypes ?? ['m7i.4xlarge']),
      };
    } else {
      hostProperties = {
        ipAddresses: {
          ipV4Addresses: [ipV4],
          ...(index % 3 === 0 ? { ipV6Addresses: [`fd00:10:${subnet}::${(index + 1).toString(16)}`] } : {}),
        },
        hostName: `${template.hostPrefix}-${pad(index + 1, 4)}.studio.internal`,
      };
    }
    const roll = this.random.next();
    const status: WorkerStatus =
      roll < 0.5
        ? 'RUNNING'
        : roll < 0.75
          ? 'IDLE'
          : roll < 0.85
            ? 'STARTED'
            : roll < 0.92
              ? 'STOPPED'
              : roll < 0.97
                ? 'NOT_RESPONDING'
                : 'STOPPING';
    const createdAt = DATASET_NOW - this.random.int(2 * DAY, 60 * DAY);
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return {
      farmId,
      fleetId,
      workerId,
      status,
      hostProperties,
      log: {
        logDriver: 'awslogs',
        options: { logGroupName: `/aws/deadline/${farmId}/${fleetId}`, logStreamName: workerId },
      },
      createdAt: iso(createdAt),
      createdBy: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${workerId}`,
      updatedAt: iso(createdAt + this.random.int(MINUTE, DAY)),
      updatedBy: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${workerId}`,
    };
  }

  queue(farm: FarmRecord, name: string, storageProfileIds: string[]): QueueRecord {
    const createdAt = Date.parse(farm.createdAt) + this.random.int(1, 60) * DAY;
    const blocked = this.random.chance(0.15);
    const queue: QueueRecord = {
      farmId: farm.farmId,
      queueId: this.id('queue'),
      displayName: name,
      description: `${name} jobs for all shows`,
      status: blocked ? 'SCHEDULING_BLOCKED' : 'IDLE',
      defaultBudgetAction: blocked
        ? 'STOP_SCHEDULING_AND_COMPLETE_TASKS'
        : this.random.pick(['NONE', 'NONE', 'STOP_SCHEDULING_AND_COMPLETE_TASKS'] as const),
      ...(blocked ? { blockedReason: 'BUDGET_THRESHOLD_REACHED' as const } : {}),
      roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/DeadlineQueueRole-${name}`,
      jobAttachmentSettings: { s3BucketName: `studio-deadline-attachments-${ACCOUNT_ID}`, rootPrefix: name },
      requiredFileSystemLocationNames: ['shows'],
      allowedStorageProfileIds: storageProfileIds,
      jobRunAsUser: { posix: { user: 'render', group: 'render' }, runAs: 'QUEUE_CONFIGURED_USER' },
      createdAt: iso(createdAt),
      createdBy: this.principals[0] ?? '',
      updatedAt: iso(createdAt + this.random.int(1, 90) * DAY),
      updatedBy: this.principal(),
    };
    return queue;
  }

  /** Builds a job, its sessions and its work; sessions run on workers of `fleets`. */
  job(
    farmId: string,
    queue: QueueRecord,
    plan: JobPlan,
    fleets: FleetWithWorkers[],
    limitIds: readonly string[],
  ): BuiltJob {
    const random = this.random;
    const jobId = this.id('job');
    const task = TASK_BY_QUEUE[queue.displayName] ?? queue.displayName;
    const show = random.pick(SHOWS);
    const sequence = pad(random.int(1, 40) * 10, 3);
    const shot = pad(random.int(1, 60) * 10, 4);
    const version = pad(random.int(1, 24), 3);
    const name = `sq${sequence}_sh${shot}_${task}_v${version}`;
    const drawnFrameCount = random.int(24, 240);
    const frameCount = plan.stepTasks ?? drawnFrameCount;
    const createdAtMs = DATASET_NOW - (plan.createdAgoMs ?? random.int(2 * HOUR, 42 * DAY));
    const createdBy = this.principal();
    const count = plan.sessionCount;
    const running =
      plan.outcome !== 'SUCCEEDED' &&
      (plan.running || plan.coverAllSessionStatuses || (count > 0 && random.chance(0.4)));

    const sessions: SessionRecord[] = [];
    let startedAtMs: number | undefined;
    let lastEndedMs = 0;
    if (count > 0) {
      startedAtMs = createdAtMs + random.int(MINUTE, 20 * MINUTE);
      const available = DATASET_NOW - startedAtMs - 5 * MINUTE;
      const span = running ? available : Math.floor(available * (0.2 + random.next() * 0.5));
      const gap = span / count;
      const activeCount = running ? Math.min(count, plan.coverAllSessionStatuses ? 4 : random.int(1, 6)) : 0;
      const forcedStatuses: SessionLifecycleStatus[] = [
        'STARTED',
        'UPDATE_IN_PROGRESS',
        'UPDATE_SUCCEEDED',
        'UPDATE_FAILED',
      ];
      const logGroupName = `/aws/deadline/${farmId}/${queue.queueId}`;
      for (let i = 0; i < count; i++) {
        const sessionId = this.id('session');
        const { fleet, workers } = random.pick(fleets);
        const worker = random.pick(workers);
        const sessionStart = startedAtMs + Math.floor(gap * i + random.next() * gap * 0.5);
        const activeIndex = i - (count - activeCount);
        let lifecycleStatus: SessionLifecycleStatus = 'ENDED';
        if (activeIndex >= 0) {
          lifecycleStatus = plan.coverAllSessionStatuses
            ? (forcedStatuses[activeIndex] ?? 'STARTED')
            : random.pick<SessionLifecycleStatus>([
                'STARTED',
                'STARTED',
                'STARTED',
                'UPDATE_IN_PROGRESS',
                'UPDATE_SUCCEEDED',
                'UPDATE_FAILED',
              ]);
        }
        const session: SessionRecord = {
          sessionId,
          fleetId: fleet.fleetId,
          workerId: worker.workerId,
          startedAt: iso(sessionStart),
          lifecycleStatus,
          log: {
            logDriver: 'awslogs',
            options: { logGroupName, logStreamName: sessionId },
            parameters: { interval: '15' },
          },
        };
        if (lifecycleStatus === 'ENDED') {
          const endedMs = Math.min(sessionStart + random.int(3 * MINUTE, 90 * MINUTE), DATASET_NOW - MINUTE);
          session.endedAt = iso(endedMs);
          lastEndedMs = Math.max(lastEndedMs, endedMs);
        }
        const ending =
          lifecycleStatus === 'UPDATE_IN_PROGRESS' || (lifecycleStatus === 'STARTED' && random.chance(0.25));
        if (ending) session.targetLifecycleStatus = 'ENDED';
        if (ending || lifecycleStatus.startsWith('UPDATE_')) {
          session.updatedAt = iso(
            Math.min(sessionStart + random.int(MINUTE, 30 * MINUTE), DATASET_NOW - 1000),
          );
          session.updatedBy = this.principal();
        }
        if (worker.hostProperties) session.hostProperties = worker.hostProperties;
        session.workerLog = {
          logDriver: 'awslogs',
          options: {
            logGroupName: `/aws/deadline/${farmId}/${fleet.fleetId}`,
            logStreamName: worker.workerId,
          },
        };
        sessions.push(session);
      }
    }

    // What becomes of the job's tasks: not started, running, or finished in one of three ways (seedWork.ts plays
    // it out through the sessions). The draws stay as they were when they decided the counts themselves, so that
    // every seeded ID after them stays the same.
    const work: WorkPlan = { outcome: 'READY', failedTasks: 0, retries: 0 };
    if (plan.stepTasks !== undefined) work.stepTasks = plan.stepTasks;
    let targetTaskRunStatus: JobTargetTaskRunStatus | undefined;
    const drawnTaskCount = count > 0 ? count * random.int(1, 3) : frameCount;
    if (count === 0) {
      const outcome = random.pick<WorkOutcome>(['READY', 'READY', 'PENDING', 'SUSPENDED']);
      work.outcome = plan.outcome ?? outcome;
      if (work.outcome === 'SUSPENDED') targetTaskRunStatus = 'SUSPENDED';
    } else if (running) {
      work.outcome = 'RUNNING';
      const active = sessions.filter((session) => session.lifecycleStatus !== 'ENDED').length;
      work.failedTasks = random.int(0, Math.min(3, count - active));
    } else {
      const outcome = random.pick<WorkOutcome>(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'CANCELED']);
      const bad = outcome === 'SUCCEEDED' ? 0 : random.int(1, Math.max(1, Math.floor(drawnTaskCount / 4)));
      work.outcome = plan.outcome ?? outcome;
      if (work.outcome === 'FAILED') work.failedTasks = 1 + ((bad - 1) % 5);
      if (work.outcome === 'CANCELED') targetTaskRunStatus = 'CANCELED';
    }

    let lifecycleStatus: JobLifecycleStatus = 'CREATE_COMPLETE';
    const finished = count > 0 && !running;
    const special = plan.edge === true;
    if (!special && finished && random.chance(0.15)) lifecycleStatus = 'ARCHIVED';
    else if (!special && random.chance(0.12)) lifecycleStatus = 'UPDATE_SUCCEEDED';
    const messages: Partial<Record<JobLifecycleStatus, string>> = {
      CREATE_COMPLETE: 'Job creation complete.',
      UPDATE_SUCCEEDED: 'Job update succeeded.',
      ARCHIVED: 'Job archived.',
    };

    const job: JobRecord = {
      jobId,
      name,
      description: `${show} ${task} render of sq${sequence} sh${shot}, frames 1001-${1000 + frameCount}`,
      lifecycleStatus,
      lifecycleStatusMessage: messages[lifecycleStatus] ?? '',
      priority: special ? 50 : random.int(20, 90),
      createdAt: iso(createdAtMs),
      createdBy,
    };
    if (lifecycleStatus !== 'CREATE_COMPLETE') {
      job.updatedAt = iso(Math.min(createdAtMs + random.int(MINUTE, HOUR), DATASET_NOW - 1000));
      job.updatedBy = this.principal();
    }
    if (startedAtMs !== undefined) job.startedAt = iso(startedAtMs);
    if (finished) job.endedAt = iso(lastEndedMs);
    // Set from the work below (rolled up from the tasks); here for the members' order.
    job.taskRunStatus = 'READY';
    if (targetTaskRunStatus) job.targetTaskRunStatus = targetTaskRunStatus;
    job.taskRunStatusCounts = {};
    work.retries = count > 0 ? random.int(0, 5) : 0;
    job.taskFailureRetryCount = 0;
    const storageProfileId = queue.allowedStorageProfileIds?.[0];
    if (storageProfileId && random.chance(0.7)) job.storageProfileId = storageProfileId;
    job.maxFailedTasksCount = 100;
    job.maxRetriesPerTask = 5;
    const outputPath = `/mnt/shows/${show}/sq${sequence}/sh${shot}/${task}/v${version}`;
    job.parameters = {
      Frames: { string: `1001-${1000 + frameCount}` },
      OutputPath: { path: outputPath },
      Resolution: { int: String(random.pick([1920, 2048, 4096])) },
      ...(task === 'comp' ? { Gamma: { float: '2.2' } } : {}),
    };
    if (random.chance(0.3)) job.maxWorkerCount = random.int(4, 64);

    const built = generateJobWork(
      this.workRandom,
      {
        farmId,
        queueId: queue.queueId,
        job,
        sessions,
        frameCount,
        department: task,
        outputPath,
        limitIds,
        updatedBy: job.updatedBy ?? createdBy,
        now: DATASET_NOW,
      },
      work,
    );
    job.taskRunStatus = rollUpTaskRunStatus(built.counts);
    job.taskRunStatusCounts = built.counts;
    job.taskFailureRetryCount = built.taskFailureRetryCount;
    return { job, sessions, work: built };
  }
}

/** Where built jobs go: the dataset's maps, filled as jobs are built. */
class DatasetMaps {
  readonly jobs = new Map<string, JobRecord[]>();
  readonly sessions = new Map<string, SessionRecord[]>();
  readonly steps = new Map<string, StepRecord[]>();
  readonly tasks = new Map<string, TaskRecord[]>();
  readonly sessionActions = new Map<string, SessionActionRecord[]>();
  readonly stepDependencies = new Map<string, StepLink[]>();
  readonly stepConsumers = new Map<string, StepLink[]>();

  /** Records a built job under its queue (after the queue's other jobs). */
  add(farmId: string, queueId: string, { job, sessions, work }: BuiltJob): void {
    const queueKey = `${farmId}/${queueId}`;
    const jobKey = `${queueKey}/${job.jobId}`;
    const queueJobs = this.jobs.get(queueKey) ?? [];
    this.jobs.set(queueKey, queueJobs);
    queueJobs.push(job);
    this.sessions.set(jobKey, sessions);
    this.steps.set(jobKey, work.steps);
    this.sessionActions.set(jobKey, work.actions);
    for (const step of work.steps) {
      const stepKey = `${jobKey}/${step.stepId}`;
      this.tasks.set(stepKey, work.tasks.get(step.stepId) ?? []);
      this.stepDependencies.set(stepKey, work.dependencies.get(step.stepId) ?? []);
      this.stepConsumers.set(stepKey, work.consumers.get(step.stepId) ?? []);
    }
  }
}

/** A queue is SCHEDULING while one of its jobs runs, unless its budget blocks it. */
function settleQueueStatus(queue: QueueRecord, jobs: readonly JobRecord[]): void {
  if (queue.status !== 'SCHEDULING_BLOCKED' && jobs.some((job) => job.taskRunStatus === 'RUNNING')) {
    queue.status = 'SCHEDULING';
  }
}

/** Generates the demo dataset. Same `seed` and `sizes` → byte-identical output. */
export function generateDataset(seed = 1, partialSizes: Partial<SeedSizes> = {}): Dataset {
  const sizes = resolveSeedSizes(partialSizes);
  const builder = new DatasetBuilder(seed, sizes);
  const farms: FarmRecord[] = [];
  const queues = new Map<string, QueueRecord[]>();
  const fleets = new Map<string, FleetRecord[]>();
  const workers = new Map<string, WorkerRecord[]>();
  const members = new Map<string, string[]>();
  const edgeJobs = new Map<number, JobRef>();
  const edgeSteps = new Map<number, StepRef>();
  const maps = new DatasetMaps();
  /** The main farm's comp queue, its fleets and limits: the edge-step jobs go there last. */
  let comp: { queue: QueueRecord; fleets: FleetWithWorkers[]; limitIds: string[] } | undefined;

  for (let farmIndex = 0; farmIndex < sizes.farms; farmIndex++) {
    const main = farmIndex === 0;
    const farm = builder.farm(farmIndex);
    farms.push(farm);
    members.set(farm.farmId, main ? [...builder.principals] : builder.members(3));
    const limitIds = builder.limitIds();

    const farmFleets: FleetWithWorkers[] = [];
    const fleetCount = main ? sizes.fleetsPerFarm : 1;
    for (let i = 0; i < fleetCount; i++) {
      const template = main ? FLEET_TEMPLATES[i % FLEET_TEMPLATES.length] : SANDBOX_FLEET;
      if (!template) throw new Error('unreachable: fleet template');
      const round = Math.floor(i / FLEET_TEMPLATES.length);
      const displayName = round === 0 ? template.name : `${template.name} ${round + 1}`;
      const workerCount = main && i === 0 ? sizes.largeFleetWorkers : sizes.workersPerFleet;
      const built = builder.fleet(farm, template, displayName, workerCount);
      farmFleets.push(built);
      workers.set(`${farm.farmId}/${built.fleet.fleetId}`, built.workers);
      members.set(built.fleet.fleetId, builder.members(main ? 4 : 2));
    }
    fleets.set(
      farm.farmId,
      farmFleets.map((entry) => entry.fleet),
    );

    const storageProfileIds = [builder.id('sp'), builder.id('sp')];
    const farmQueues: QueueRecord[] = [];
    const queueCount = main ? sizes.queuesPerFarm : Math.min(2, sizes.queuesPerFarm);
    const jobCount = main ? sizes.jobsPerQueue : Math.min(4, sizes.jobsPerQueue);
    for (let q = 0; q < queueCount; q++) {
      const baseName = main ? QUEUE_NAMES[q % QUEUE_NAMES.length] : ['sandbox-render', 'sandbox-test'][q];
      const round = Math.floor(q / QUEUE_NAMES.length);
      const name = round === 0 ? (baseName ?? 'queue') : `${baseName}-${round + 1}`;
      const queue = builder.queue(farm, name, storageProfileIds);
      farmQueues.push(queue);
      members.set(queue.queueId, builder.members(main ? 5 : 2));
      if (main && q === 0) comp = { queue, fleets: farmFleets, limitIds };

      const plans: JobPlan[] = [];
      if (main && q === 0) {
        const edgeCounts = [...new Set([...EDGE_SESSION_COUNTS, sizes.largeJobSessions])];
        for (const count of edgeCounts) {
          plans.push({
            sessionCount: count,
            edge: true,
            coverAllSessionStatuses: count === 250,
            running: count === sizes.largeJobSessions,
            ...(count === sizes.largeJobSessions ? { createdAgoMs: 4 * DAY } : {}),
          });
        }
      }
      for (let j = 0; j < jobCount; j++) plans.push({ sessionCount: builder.sessionCountForOrdinaryJob() });

      maps.jobs.set(`${farm.farmId}/${queue.queueId}`, []);
      for (const plan of plans) {
        const built = builder.job(farm.farmId, queue, plan, farmFleets, limitIds);
        maps.add(farm.farmId, queue.queueId, built);
        if (plan.edge) {
          edgeJobs.set(plan.sessionCount, {
            farmId: farm.farmId,
            queueId: queue.queueId,
            jobId: built.job.jobId,
          });
        }
      }
      settleQueueStatus(queue, maps.jobs.get(`${farm.farmId}/${queue.queueId}`) ?? []);
    }
    queues.set(farm.farmId, farmQueues);
  }

  // The edge-step jobs, built after everything else so that adding them moved no other seeded ID. Each has one
  // step with exactly that many tasks: 0 and 100 not started, 1 and 101 finished, the largest running.
  if (comp) {
    const { queue, fleets: compFleets, limitIds } = comp;
    const farmId = queue.farmId;
    for (const stepTasks of [...new Set([...EDGE_TASK_COUNTS, sizes.largeStepTasks])]) {
      const large = stepTasks === sizes.largeStepTasks;
      const plan: JobPlan =
        stepTasks === 0 || (stepTasks === 100 && !large)
          ? { sessionCount: 0, edge: true, stepTasks, outcome: 'READY' }
          : large
            ? { sessionCount: Math.min(24, stepTasks), edge: true, stepTasks, running: true }
            : { sessionCount: Math.min(8, stepTasks), edge: true, stepTasks, outcome: 'SUCCEEDED' };
      const built = builder.job(farmId, queue, plan, compFleets, limitIds);
      maps.add(farmId, queue.queueId, built);
      const stepId = built.work.steps[0]?.stepId ?? '';
      edgeSteps.set(stepTasks, { farmId, queueId: queue.queueId, jobId: built.job.jobId, stepId });
    }
    settleQueueStatus(queue, maps.jobs.get(`${farmId}/${queue.queueId}`) ?? []);
  }

  return {
    seed,
    sizes,
    principals: builder.principals,
    farms,
    queues,
    jobs: maps.jobs,
    sessions: maps.sessions,
    fleets,
    workers,
    members,
    edgeJobs,
    steps: maps.steps,
    tasks: maps.tasks,
    sessionActions: maps.sessionActions,
    stepDependencies: maps.stepDependencies,
    stepConsumers: maps.stepConsumers,
    edgeSteps,
  };
}
