/**
 * A job's work, generated from a seed: its steps with their parameter spaces and dependencies, its tasks, and what
 * its sessions ran (session actions). The job's outcome (not started, running, or finished one of three ways) is
 * decided by seed.ts; here it is played out: tasks are run in step order through the job's sessions, a step only
 * once every step it depends on has succeeded, and every status and count is derived from the runs (the rules are
 * in dataset.ts's file comment).
 */
import {
  type DependencyStatus,
  type JobRecord,
  type JobTargetTaskRunStatus,
  rollUpTaskRunStatus,
  type SessionActionDefinition,
  type SessionActionRecord,
  type SessionActionStatus,
  type SessionRecord,
  type StepLink,
  type StepParameter,
  type StepRecord,
  type TaskParameterValue,
  type TaskRecord,
  type TaskRunStatus,
} from './dataset.js';
import { iso } from './isoTime.js';
import type { SeededRandom } from './seededRandom.js';

/** What becomes of the job's tasks. */
export type WorkOutcome = 'READY' | 'PENDING' | 'SUSPENDED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';

export interface WorkPlan {
  outcome: WorkOutcome;
  /** FAILED: tasks whose last run failed (at least 1). RUNNING: failures among the finished runs (may be 0). */
  failedTasks: number;
  /** Earlier attempts of tasks that ran again (FAILED ones count in the tasks' `failureRetryCount`). */
  retries: number;
  /** Instead of the usual steps, a single step with exactly this many tasks (the edge steps). */
  stepTasks?: number;
}

export interface JobWorkInput {
  farmId: string;
  queueId: string;
  job: JobRecord;
  /** The job's sessions, in ListSessions order; active ones (not ENDED) are the last. */
  sessions: readonly SessionRecord[];
  /** Frames 1001…1000+frameCount. */
  frameCount: number;
  /** The queue's task abbreviation (`comp`, `lgt`, `sim`, …): names the main step. */
  department: string;
  /** The job's output directory (the Publish step's path parameter). */
  outputPath: string;
  /** The farm's limits (a license each) that task runs may acquire. */
  limitIds: readonly string[];
  /** Who asked for the job's target status, when it has one. */
  updatedBy: string;
  /** The dataset's "now": every timestamp lies before it. */
  now: number;
}

export interface JobWork {
  steps: StepRecord[];
  /** stepId → the step's tasks, in ListTasks order. */
  tasks: Map<string, TaskRecord[]>;
  /** The job's session actions, in ListSessionActions order. */
  actions: SessionActionRecord[];
  /** stepId → ListStepDependencies / ListStepConsumers items. */
  dependencies: Map<string, StepLink[]>;
  consumers: Map<string, StepLink[]>;
  /** The sum of the steps' counts (every status key). */
  counts: Record<TaskRunStatus, number>;
  taskFailureRetryCount: number;
}

const MAIN_STEP_NAMES: Record<string, string> = {
  comp: 'Comp',
  lgt: 'Render',
  sim: 'Simulate',
  fx: 'Render FX',
  lay: 'Playblast',
};
const ENVIRONMENT_NAMES = ['Rez', 'Conda', 'RenderEnvironment'];
const FIRST_FRAME = 1001;
const SECOND = 1000;

/** A copy of `record` without its undefined members (records lay out only the members they have). */
function defined<T extends object>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out as T;
}

export function emptyCounts(): Record<TaskRunStatus, number> {
  // Every TaskRunStatus key, in the model's order (TASK_RUN_STATUSES).
  return {
    PENDING: 0,
    READY: 0,
    ASSIGNED: 0,
    STARTING: 0,
    SCHEDULED: 0,
    INTERRUPTING: 0,
    RUNNING: 0,
    SUSPENDED: 0,
    CANCELED: 0,
    FAILED: 0,
    SUCCEEDED: 0,
    NOT_COMPATIBLE: 0,
  };
}

/** Frame numbers as a chunkInt range list: consecutive runs joined, e.g. `1001-1003,1005`. */
function rangeList(frames: readonly number[]): string {
  const parts: string[] = [];
  let start = frames[0];
  let previous = start;
  for (const frame of [...frames.slice(1), Number.NaN]) {
    if (frame === (previous ?? 0) + 1) {
      previous = frame;
      continue;
    }
    if (start !== undefined) parts.push(start === previous ? `${start}` : `${start}-${previous}`);
    start = frame;
    previous = frame;
  }
  return parts.join(',');
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

// ---------------------------------------------------------------------------------------------------- steps

interface StepSpec {
  hex: string;
  name: string;
  description: string;
  parameterSpace?: { parameters: StepParameter[]; combination?: string };
  requiredCapabilities?: StepRecord['requiredCapabilities'];
  /** One entry per task: its parameters (undefined for a step without a parameter space). */
  taskParameters: (Record<string, TaskParameterValue> | undefined)[];
  /** Indices of the earlier steps this one depends on. */
  dependsOn: number[];
}

function mainStep(random: SeededRandom, input: JobWorkInput, hex: string): StepSpec {
  const frames = Array.from({ length: input.frameCount }, (_, i) => FIRST_FRAME + i);
  const name = MAIN_STEP_NAMES[input.department] ?? 'Render';
  const last = FIRST_FRAME + input.frameCount - 1;
  const gpu = input.department === 'sim' || input.department === 'fx';
  const requiredCapabilities: StepRecord['requiredCapabilities'] = {
    attributes: [
      {
        name: 'attr.worker.os.family',
        anyOf: input.department === 'comp' ? ['windows', 'linux'] : ['linux'],
      },
    ],
    amounts: [
      { name: 'amount.worker.vcpu', min: random.pick([4, 8, 16]) },
      { name: 'amount.worker.memory', min: random.pick([8192, 16384, 32768]) },
      ...(gpu ? [{ name: 'amount.worker.gpu', min: 1 }] : []),
    ],
  };
  const base = { hex, name, requiredCapabilities, dependsOn: [] };
  const roll = random.next();
  if (roll < 0.25) {
    return {
      ...base,
      description: `${name}, one task per frame, frames ${FIRST_FRAME}-${last}`,
      parameterSpace: { parameters: [{ name: 'Frame', type: 'INT' }] },
      taskParameters: frames.map((frame) => ({ Frame: { int: String(frame) } })),
    };
  }
  const size = random.pick([5, 8, 10]);
  // Non-contiguous chunks: held frames (every seventh) are not rendered, so a chunk may skip one.
  const contiguous = roll < 0.75;
  const rendered = contiguous ? frames : frames.filter((frame) => (frame - FIRST_FRAME) % 7 !== 6);
  return {
    ...base,
    description: `${name} in chunks of ${size} frames, frames ${FIRST_FRAME}-${last}${contiguous ? '' : ' without held frames'}`,
    parameterSpace: {
      parameters: [
        {
          name: 'Frame',
          type: 'CHUNK_INT',
          chunks: {
            defaultTaskCount: size,
            targetRuntimeSeconds: size * 60,
            rangeConstraint: contiguous ? 'CONTIGUOUS' : 'NONCONTIGUOUS',
          },
        },
      ],
    },
    taskParameters: chunked(rendered, size).map((chunk) => ({ Frame: { chunkInt: rangeList(chunk) } })),
  };
}

/** Steps after the main one, in this order; each job takes some of them. */
const EXTRA_STEPS: readonly ((input: JobWorkInput, hex: string, index: number) => StepSpec)[] = [
  (input, hex) => {
    const frames = Array.from({ length: input.frameCount }, (_, i) => FIRST_FRAME + i);
    return {
      hex,
      name: 'Denoise',
      description: 'Denoise the rendered frames, 24 frames a task',
      parameterSpace: {
        parameters: [
          {
            name: 'Frame',
            type: 'CHUNK_INT',
            chunks: { defaultTaskCount: 24, rangeConstraint: 'CONTIGUOUS' },
          },
        ],
      },
      taskParameters: chunked(frames, 24).map((chunk) => ({ Frame: { chunkInt: rangeList(chunk) } })),
      dependsOn: [0],
    };
  },
  (_input, hex) => {
    const variants = ['hero', 'soft', 'hard'];
    const exposures = ['-0.5', '0', '0.5'];
    return {
      hex,
      name: 'Wedge',
      description: 'Look-development wedge: every variant at every exposure',
      parameterSpace: {
        parameters: [
          { name: 'Variant', type: 'STRING' },
          { name: 'Exposure', type: 'FLOAT' },
        ],
        combination: 'Variant * Exposure',
      },
      taskParameters: variants.flatMap((variant) =>
        exposures.map((exposure) => ({ Variant: { string: variant }, Exposure: { float: exposure } })),
      ),
      dependsOn: [],
    };
  },
  (_input, hex, index) => ({
    hex,
    name: 'Quicktime',
    description: 'Encode a review movie',
    taskParameters: [undefined],
    dependsOn: [index - 1],
  }),
  (input, hex, index) => ({
    hex,
    name: 'Publish',
    description: 'Publish the outputs to the show tree',
    parameterSpace: { parameters: [{ name: 'OutputPath', type: 'PATH' }] },
    taskParameters: [{ OutputPath: { path: input.outputPath } }],
    dependsOn: index - 1 === 0 ? [0] : [0, index - 1],
  }),
];

function stepSpecs(random: SeededRandom, input: JobWorkInput, plan: WorkPlan): StepSpec[] {
  if (plan.stepTasks !== undefined) {
    const frames = Array.from({ length: plan.stepTasks }, (_, i) => FIRST_FRAME + i);
    return [
      {
        hex: random.hex32(),
        name: 'Render',
        description: `Render, one task per frame (${plan.stepTasks} tasks)`,
        parameterSpace: { parameters: [{ name: 'Frame', type: 'INT' }] },
        taskParameters: frames.map((frame) => ({ Frame: { int: String(frame) } })),
        dependsOn: [],
      },
    ];
  }
  const specs = [mainStep(random, input, random.hex32())];
  const extras = random.sample(EXTRA_STEPS, random.int(0, 3));
  for (const make of extras) specs.push(make(input, random.hex32(), specs.length));
  return specs;
}

// ---------------------------------------------------------------------------------------------------- runs

/** One run of a task in a session; becomes a taskRun action. */
interface Attempt {
  step: number;
  task: number;
  status: SessionActionStatus;
}

/** The finished runs in the order they happened, and the runs in flight (one per active session at most). */
interface Runs {
  finished: Attempt[];
  inFlight: Attempt[];
}

/**
 * Plays the plan out: takes tasks in step order (a step once every step it depends on has succeeded) and gives
 * each a final run, then one task in flight to each active session.
 */
function playOut(
  random: SeededRandom,
  specs: readonly StepSpec[],
  plan: WorkPlan,
  sessions: number,
  activeSessions: number,
): Runs {
  const total = specs.reduce((sum, spec) => sum + spec.taskParameters.length, 0);
  const taken = specs.map(() => 0);
  const succeeded = specs.map(() => 0);
  const done = (step: number) => succeeded[step] === specs[step]?.taskParameters.length;
  const runnable = (step: number) => (specs[step]?.dependsOn ?? []).every(done);
  const left = (step: number) => (specs[step]?.taskParameters.length ?? 0) - (taken[step] ?? 0);
  const nextStep = () => specs.findIndex((_, step) => left(step) > 0 && runnable(step));
  const runnableLeft = () => specs.reduce((sum, _, step) => sum + (runnable(step) ? left(step) : 0), 0);

  // Which runs fail: FAILED, some tasks of one step (every step before it succeeds, so it runs); RUNNING, some of
  // the finished runs by their order.
  let budget = Number.POSITIVE_INFINITY;
  const failingTasks = new Set<string>();
  const failingOrdinals = new Set<number>();
  if (plan.outcome === 'FAILED') {
    const candidates = specs.flatMap((spec, step) => (spec.taskParameters.length > 0 ? [step] : []));
    const step = random.pick(candidates);
    const size = specs[step]?.taskParameters.length ?? 0;
    const count = Math.min(size, Math.max(1, plan.failedTasks));
    for (const task of random.sample(
      Array.from({ length: size }, (_, i) => i),
      count,
    )) {
      failingTasks.add(`${step}/${task}`);
    }
  } else if (plan.outcome === 'RUNNING') {
    budget = Math.floor(total * (0.2 + random.next() * 0.6));
    for (let i = 0; i < plan.failedTasks && budget > 0; i++) failingOrdinals.add(random.int(0, budget - 1));
  } else if (plan.outcome === 'CANCELED') {
    budget = Math.floor(total * (0.2 + random.next() * 0.7));
  } else if (plan.outcome !== 'SUCCEEDED') {
    budget = 0;
  }
  // Only sessions run tasks.
  if (sessions === 0) budget = 0;

  const finished: Attempt[] = [];
  // A running job keeps work for its active sessions: at least one task in flight.
  const keep = plan.outcome === 'RUNNING' ? Math.max(1, activeSessions) : 0;
  while (finished.length < budget) {
    const step = nextStep();
    if (step < 0 || (keep > 0 && runnableLeft() <= keep)) break;
    const task = taken[step] ?? 0;
    taken[step] = task + 1;
    const fails = failingTasks.has(`${step}/${task}`) || failingOrdinals.has(finished.length);
    if (!fails) succeeded[step] = (succeeded[step] ?? 0) + 1;
    finished.push({ step, task, status: fails ? 'FAILED' : 'SUCCEEDED' });
  }
  const last = finished.at(-1);
  if (plan.outcome === 'CANCELED' && last) last.status = 'CANCELED';

  const inFlight: Attempt[] = [];
  if (plan.outcome === 'RUNNING') {
    for (let i = 0; i < activeSessions; i++) {
      const step = nextStep();
      if (step < 0) break;
      const task = taken[step] ?? 0;
      taken[step] = task + 1;
      inFlight.push({ step, task, status: 'RUNNING' });
    }
  }
  return { finished, inFlight };
}

// ---------------------------------------------------------------------------------------------------- actions

/** One action of a session before it gets its ID, with its share of the session's time. */
interface Slot {
  definition: SessionActionDefinition;
  weight: number;
  attempt?: Attempt;
}

const PENDING_STATUSES: readonly SessionActionStatus[] = ['ASSIGNED', 'SCHEDULED'];

/** Generates the job's work; see the file comment. */
export function generateJobWork(random: SeededRandom, input: JobWorkInput, plan: WorkPlan): JobWork {
  const { job, sessions } = input;
  const specs = stepSpecs(random, input, plan);
  const stepIds = specs.map((spec) => `step-${spec.hex}`);
  const taskId = (step: number, task: number) => `task-${specs[step]?.hex}-${task}`;
  const activeSessions = sessions.filter((session) => session.lifecycleStatus !== 'ENDED');
  const runs = playOut(random, specs, plan, sessions.length, activeSessions.length);

  // Earlier attempts of finished tasks that ran again; each precedes its task's last run.
  const earlier = new Map<Attempt, Attempt[]>();
  for (let i = 0; i < plan.retries && runs.finished.length > 0; i++) {
    const again = random.pick(runs.finished);
    const list = earlier.get(again) ?? [];
    list.push({ step: again.step, task: again.task, status: random.chance(0.75) ? 'FAILED' : 'INTERRUPTED' });
    earlier.set(again, list);
  }
  const finishedStream: Attempt[] = [];
  for (const attempt of runs.finished) finishedStream.push(...(earlier.get(attempt) ?? []), attempt);

  // Finished attempts spread over the sessions in order; each active session then takes one run in flight.
  const perSession: Attempt[][] = sessions.map((_, index) =>
    finishedStream.slice(
      Math.floor((index * finishedStream.length) / sessions.length),
      Math.floor(((index + 1) * finishedStream.length) / sessions.length),
    ),
  );
  const firstActive = sessions.length - activeSessions.length;
  runs.inFlight.forEach((attempt, i) => {
    const index = firstActive + i;
    const session = sessions[index];
    const own = perSession[index];
    if (!session || !own) return;
    if (i > 0 && session.targetLifecycleStatus === 'ENDED') attempt.status = 'CANCELING';
    else if (i > 0 && own.length === 0 && random.chance(0.3)) attempt.status = random.pick(PENDING_STATUSES);
    own.push(attempt);
  });

  const environmentId = `JOB:${job.jobId}:${random.pick(ENVIRONMENT_NAMES)}`;
  const attachments = random.chance(0.4);
  const limitId = input.limitIds.length > 0 && random.chance(0.5) ? random.pick(input.limitIds) : undefined;
  // Definitions every session of the job shares (the records are read-only, and this saves much allocation).
  const enter: SessionActionDefinition = { envEnter: { environmentId } };
  const exit: SessionActionDefinition = { envExit: { environmentId } };
  const syncJob: SessionActionDefinition = { syncInputJobAttachments: {} };
  const syncStep = stepIds.map(
    (stepId): SessionActionDefinition => ({ syncInputJobAttachments: { stepId } }),
  );
  const acquiredLimits = limitId === undefined ? undefined : [{ limitId, count: 1 }];
  const actions: SessionActionRecord[] = [];
  /** The last taskRun action of each task, by step and task index. */
  const latest = specs.map((spec) => new Array<SessionActionRecord | undefined>(spec.taskParameters.length));
  const firstStart = specs.map((): number | undefined => undefined);
  const lastEnd = specs.map((): number | undefined => undefined);

  sessions.forEach((session, index) => {
    const attempts = perSession[index] ?? [];
    const ended = session.lifecycleStatus === 'ENDED';
    const sessionHex = session.sessionId.slice('session-'.length);
    const startMs = Date.parse(session.startedAt);
    const endMs = ended ? Date.parse(session.endedAt ?? '') : input.now - random.int(SECOND, 60 * SECOND);
    const slots: Slot[] = [{ definition: enter, weight: 1 }];
    // With attachments, the job's inputs are synced before the session's first task, and a dependent step's
    // inputs (its dependencies' outputs) before its first task in the session.
    if (attachments && attempts.length > 0) slots.push({ definition: syncJob, weight: 0.5 });
    const synced = attachments ? new Set<number>() : undefined;
    for (const attempt of attempts) {
      const spec = specs[attempt.step];
      if (synced && (spec?.dependsOn.length ?? 0) > 0 && !synced.has(attempt.step)) {
        synced.add(attempt.step);
        slots.push({ definition: syncStep[attempt.step] ?? syncJob, weight: 0.5 });
      }
      slots.push({
        definition: {
          taskRun: {
            taskId: taskId(attempt.step, attempt.task),
            stepId: stepIds[attempt.step] ?? '',
            parameters: spec?.taskParameters[attempt.task] ?? {},
          },
        },
        weight: 3,
        attempt,
      });
    }
    const ending = !ended && session.targetLifecycleStatus === 'ENDED';
    if (ended || ending) slots.push({ definition: exit, weight: 0.5 });

    // How the session went: entering its environment still (its work pending), failed to enter it (a session
    // without tasks), or through its attempts.
    const last = attempts.at(-1);
    const entering = last !== undefined && PENDING_STATUSES.includes(last.status);
    const enterFailed = ended && attempts.length === 0 && random.chance(0.05);
    const totalWeight = slots.reduce((sum, slot) => sum + slot.weight, 0);
    let cursor = startMs;
    slots.forEach((slot, n) => {
      const from = Math.floor(cursor);
      cursor += ((endMs - startMs) * slot.weight) / totalWeight;
      const to = Math.floor(cursor);
      let status: SessionActionStatus;
      if (n === 0) status = enterFailed ? 'FAILED' : entering ? 'RUNNING' : 'SUCCEEDED';
      else if (enterFailed) status = 'NEVER_ATTEMPTED';
      else if (entering) status = last?.status ?? 'ASSIGNED';
      else if (slot.attempt) status = slot.attempt.status;
      else if ('envExit' in slot.definition) status = ended ? 'SUCCEEDED' : 'SCHEDULED';
      else status = 'SUCCEEDED';
      const action = sessionAction(random, {
        id: `sessionaction-${sessionHex}-${n}`,
        sessionId: session.sessionId,
        status,
        from,
        to,
        definition: slot.definition,
        taskRun: slot.attempt !== undefined,
        acquiredLimits,
        manifestPrefix: attachments
          ? `${input.farmId}/${input.queueId}/${job.jobId}/${session.sessionId}`
          : undefined,
      });
      actions.push(action);
      const attempt = slot.attempt;
      if (attempt) {
        const stepLatest = latest[attempt.step];
        if (stepLatest) stepLatest[attempt.task] = action;
        if (action.startedAt) {
          const started = Date.parse(action.startedAt);
          firstStart[attempt.step] = Math.min(firstStart[attempt.step] ?? started, started);
        }
        if (action.endedAt) {
          const endedAt = Date.parse(action.endedAt);
          lastEnd[attempt.step] = Math.max(lastEnd[attempt.step] ?? endedAt, endedAt);
        }
      }
    });
  });

  // Failure retries per task, from its earlier attempts.
  const failedBefore = new Map<string, number>();
  for (const [attempt, list] of earlier) {
    failedBefore.set(
      `${attempt.step}/${attempt.task}`,
      list.filter((candidate) => candidate.status === 'FAILED').length,
    );
  }

  // Tasks, from their last run; tasks that never ran wait behind an unresolved dependency, or are ready, or were
  // canceled or suspended with their job (which then names its target, and who asked for it).
  const target = job.targetTaskRunStatus;
  const targetSetAt = job.endedAt ?? job.updatedAt ?? job.createdAt;
  const stepSucceeded: boolean[] = [];
  const resolved = (step: number) => stepSucceeded[step] === true;
  const tasksByStep = specs.map((spec, step) => {
    const blocked = !spec.dependsOn.every(resolved);
    const records = spec.taskParameters.map((parameters, task): TaskRecord => {
      const action = latest[step]?.[task];
      const runStatus = action ? taskStatusOf(action.status) : unrunStatus(plan.outcome, blocked);
      const targeted = target !== undefined && action === undefined;
      // Members in the model's order, only those the task has.
      const record: TaskRecord = {
        taskId: taskId(step, task),
        createdAt: job.createdAt,
        createdBy: job.createdBy,
        runStatus,
      };
      if (targeted) record.targetRunStatus = target;
      if (action) {
        record.failureRetryCount = failedBefore.get(`${step}/${task}`) ?? 0;
        if (action.startedAt) record.startedAt = action.startedAt;
        if (action.endedAt) record.endedAt = action.endedAt;
      }
      if (targeted) {
        record.updatedAt = targetSetAt;
        record.updatedBy = input.updatedBy;
      }
      if (action) record.latestSessionActionId = action.sessionActionId;
      if (parameters) record.parameters = parameters;
      return record;
    });
    stepSucceeded[step] = records.every((task) => task.runStatus === 'SUCCEEDED');
    return records;
  });

  // Links, from both sides.
  const dependencies = new Map<string, StepLink[]>();
  const consumers = new Map<string, StepLink[]>(stepIds.map((id) => [id, []]));
  specs.forEach((spec, step) => {
    const links = spec.dependsOn.map((on) => ({
      stepId: stepIds[on] ?? '',
      status: (resolved(on) ? 'RESOLVED' : 'UNRESOLVED') as DependencyStatus,
    }));
    dependencies.set(stepIds[step] ?? '', links);
    for (const [i, on] of spec.dependsOn.entries()) {
      consumers
        .get(stepIds[on] ?? '')
        ?.push({ stepId: stepIds[step] ?? '', status: links[i]?.status ?? 'UNRESOLVED' });
    }
  });

  const jobCounts = emptyCounts();
  let jobRetries = 0;
  const tasks = new Map<string, TaskRecord[]>();
  const steps = specs.map((spec, step): StepRecord => {
    const stepId = stepIds[step] ?? '';
    const stepTasks = tasksByStep[step] ?? [];
    tasks.set(stepId, stepTasks);
    const counts = emptyCounts();
    let retries = 0;
    for (const task of stepTasks) {
      counts[task.runStatus] += 1;
      jobCounts[task.runStatus] += 1;
      retries += task.failureRetryCount ?? 0;
    }
    jobRetries += retries;
    const links = dependencies.get(stepId) ?? [];
    const consumerLinks = consumers.get(stepId) ?? [];
    const terminal = stepTasks.every((task) => ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(task.runStatus));
    const updated = random.chance(0.1);
    const end = lastEnd[step];
    const start = firstStart[step];
    return defined({
      stepId,
      name: spec.name,
      lifecycleStatus: updated ? 'UPDATE_SUCCEEDED' : 'CREATE_COMPLETE',
      lifecycleStatusMessage: updated ? 'Step update succeeded.' : 'Step creation complete.',
      taskRunStatus: rollUpTaskRunStatus(counts),
      taskRunStatusCounts: counts,
      taskFailureRetryCount: retries,
      targetTaskRunStatus: job.targetTaskRunStatus as JobTargetTaskRunStatus | undefined,
      createdAt: job.createdAt,
      createdBy: job.createdBy,
      updatedAt: updated ? iso(Date.parse(job.createdAt) + random.int(SECOND, 600 * SECOND)) : undefined,
      updatedBy: updated ? input.updatedBy : undefined,
      startedAt: start === undefined ? undefined : iso(start),
      endedAt: terminal && end !== undefined ? iso(end) : undefined,
      dependencyCounts: {
        dependenciesResolved: links.filter((link) => link.status === 'RESOLVED').length,
        dependenciesUnresolved: links.filter((link) => link.status === 'UNRESOLVED').length,
        consumersResolved: consumerLinks.filter((link) => link.status === 'RESOLVED').length,
        consumersUnresolved: consumerLinks.filter((link) => link.status === 'UNRESOLVED').length,
      },
      requiredCapabilities: spec.requiredCapabilities,
      parameterSpace: spec.parameterSpace,
      description: spec.description,
    });
  });

  return {
    steps,
    tasks,
    actions,
    dependencies,
    consumers,
    counts: jobCounts,
    taskFailureRetryCount: jobRetries,
  };
}

/** A task's run status from its last run's action status. */
function taskStatusOf(status: SessionActionStatus): TaskRunStatus {
  switch (status) {
    case 'CANCELING':
      return 'INTERRUPTING';
    case 'INTERRUPTED':
    case 'RECLAIMED':
    case 'NEVER_ATTEMPTED':
      return 'READY';
    case 'RECLAIMING':
      return 'INTERRUPTING';
    default:
      return status;
  }
}

/** The status of a task that never ran. */
function unrunStatus(outcome: WorkOutcome, blocked: boolean): TaskRunStatus {
  if (outcome === 'CANCELED' || outcome === 'SUSPENDED' || outcome === 'PENDING') return outcome;
  return blocked ? 'PENDING' : 'READY';
}

interface ActionInput {
  id: string;
  sessionId: string;
  status: SessionActionStatus;
  /** The action's share of the session's time. */
  from: number;
  to: number;
  definition: SessionActionDefinition;
  taskRun: boolean;
  acquiredLimits: { limitId: string; count: number }[] | undefined;
  /** Where output manifests go, for jobs with attachments. */
  manifestPrefix: string | undefined;
}

const FAILURE_EXIT_CODES = [1, 2, 134, 137, 255];

function sessionAction(random: SeededRandom, input: ActionInput): SessionActionRecord {
  const { status, from, to, taskRun } = input;
  const started = status !== 'ASSIGNED' && status !== 'SCHEDULED' && status !== 'NEVER_ATTEMPTED';
  const ended = started && status !== 'RUNNING' && status !== 'CANCELING' && status !== 'RECLAIMING';
  // Members in the model's order, only those the action has.
  const action: SessionActionRecord = { sessionActionId: input.id, status } as SessionActionRecord;
  if (started) {
    const startMs = from + random.int(0, Math.min(500, Math.max(0, Math.floor((to - from) / 4))));
    action.startedAt = iso(startMs);
    if (ended) action.endedAt = iso(Math.max(startMs, to));
    // Task runs report their progress; environment and sync actions only start and end.
    if (taskRun && ended) {
      action.workerUpdatedAt = action.endedAt;
      action.progressPercent = status === 'SUCCEEDED' ? 100 : random.int(5, 95);
    } else if (taskRun) {
      action.workerUpdatedAt = iso(startMs + Math.floor((to - startMs) * 0.9));
      action.progressPercent = random.int(0, 990) / 10;
    }
  }
  if (taskRun && status === 'SUCCEEDED' && input.manifestPrefix) {
    action.manifests = [
      {
        outputManifestPath: `${input.manifestPrefix}/${input.id}_output`,
        outputManifestHash: random.hex32(),
      },
    ];
  }
  action.sessionId = input.sessionId;
  if (status === 'SUCCEEDED') action.processExitCode = 0;
  else if (status === 'FAILED') action.processExitCode = random.pick(FAILURE_EXIT_CODES);
  if (taskRun && started) action.progressMessage = taskRunMessage(status, action);
  else if (status === 'FAILED') action.progressMessage = 'The environment could not be entered';
  if (taskRun && started && input.acquiredLimits) action.acquiredLimits = input.acquiredLimits;
  action.definition = input.definition;
  return action;
}

function taskRunMessage(status: SessionActionStatus, action: SessionActionRecord): string {
  switch (status) {
    case 'SUCCEEDED':
      return 'Task finished';
    case 'FAILED':
      return `Process exited with code ${action.processExitCode}`;
    case 'CANCELED':
    case 'CANCELING':
      return 'Canceled by a user';
    case 'INTERRUPTED':
      return 'Interrupted: the worker stopped';
    default:
      return `Working: ${action.progressPercent ?? 0}% done`;
  }
}
