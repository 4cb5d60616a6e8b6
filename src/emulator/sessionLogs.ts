/**
 * Deterministic CloudWatch log streams for the dataset: every session's log (the group and stream its `log`
 * configuration names, else `/aws/deadline/<farmId>/<queueId>` / `<sessionId>`) and every worker's log
 * (`/aws/deadline/<farmId>/<fleetId>` / `<workerId>`).
 *
 * Nothing is generated up front: the index of groups and streams is built on first use, a stream's events when it
 * is read (a few cached). Each stream draws from its own PRNG seeded with a hash of the session or worker ID, so the
 * dataset's own draws are untouched and a stream's content does not depend on what was read before.
 *
 * A session's log is shaped like an AWS Deadline Cloud worker agent's: the agent's session banner, one OpenJD block
 * per session action (environment enter/exit, job attachments sync, "Running step …" task runs with the renderer's
 * frame output), and a Python traceback for a failed action. Timestamps are non-decreasing inside the session's
 * startedAt–endedAt (a running session's end is DATASET_NOW), several lines often share one timestamp.
 * The largest edge job's first session has exactly LARGE_SESSION_LOG_LINES lines.
 */
import { createHash } from 'node:crypto';
import type { Dataset, SessionActionRecord, SessionRecord, StepRecord, WorkerRecord } from './dataset.js';
import { DATASET_NOW } from './seed.js';
import { SeededRandom } from './seededRandom.js';

/** Lines of the largest edge job's first session log. */
export const LARGE_SESSION_LOG_LINES = 20_500;

/** An OutputLogEvent. */
export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

type StreamSource =
  | {
      kind: 'session';
      farmId: string;
      queueId: string;
      jobId: string;
      session: SessionRecord;
      large: boolean;
    }
  | { kind: 'worker'; farmId: string; worker: WorkerRecord };

function hashSeed(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

function groupAndStream(
  log: SessionRecord['log'] | undefined,
  fallbackGroup: string,
  fallbackStream: string,
): [string, string] {
  const options = log?.logDriver === 'awslogs' ? { ...log.parameters, ...log.options } : undefined;
  return [options?.logGroupName ?? fallbackGroup, options?.logStreamName ?? fallbackStream];
}

const CACHE_SIZE = 8;

/** The dataset's log groups and streams, and their events. */
export class SessionLogs {
  private index: Map<string, Map<string, StreamSource>> | undefined;
  private readonly cache = new Map<string, { fingerprint: string; events: LogEvent[] }>();

  constructor(private readonly dataset: Dataset) {}

  private streams(): Map<string, Map<string, StreamSource>> {
    if (this.index) return this.index;
    const index = new Map<string, Map<string, StreamSource>>();
    const add = (group: string, stream: string, source: StreamSource) => {
      let streams = index.get(group);
      if (!streams) {
        streams = new Map();
        index.set(group, streams);
      }
      if (!streams.has(stream)) streams.set(stream, source);
    };
    const large = this.dataset.edgeJobs.get(this.dataset.sizes.largeJobSessions);
    for (const [farmId, queues] of this.dataset.queues) {
      for (const queue of queues) {
        for (const job of this.dataset.jobs.get(`${farmId}/${queue.queueId}`) ?? []) {
          const sessions = this.dataset.sessions.get(`${farmId}/${queue.queueId}/${job.jobId}`) ?? [];
          sessions.forEach((session, i) => {
            const [group, stream] = groupAndStream(
              session.log,
              `/aws/deadline/${farmId}/${queue.queueId}`,
              session.sessionId,
            );
            const isLarge = large?.jobId === job.jobId && large.queueId === queue.queueId && i === 0;
            add(group, stream, {
              kind: 'session',
              farmId,
              queueId: queue.queueId,
              jobId: job.jobId,
              session,
              large: isLarge,
            });
          });
        }
      }
    }
    for (const [key, workers] of this.dataset.workers) {
      const farmId = key.slice(0, key.indexOf('/'));
      for (const worker of workers) {
        const [group, stream] = groupAndStream(
          worker.log,
          `/aws/deadline/${farmId}/${worker.fleetId}`,
          worker.workerId,
        );
        add(group, stream, { kind: 'worker', farmId, worker });
      }
    }
    this.index = index;
    return index;
  }

  hasGroup(group: string): boolean {
    return this.streams().has(group);
  }

  /** The stream's events in order, or undefined when the group or stream does not exist. Do not modify. */
  events(group: string, stream: string): readonly LogEvent[] | undefined {
    const source = this.streams().get(group)?.get(stream);
    if (!source) return undefined;
    const key = `${group}\u0000${stream}`;
    // A session's log follows its record: an UpdateSession that ends it moves its end.
    const fingerprint =
      source.kind === 'session' ? `${source.session.endedAt ?? ''}|${source.session.lifecycleStatus}` : '';
    const cached = this.cache.get(key);
    if (cached && cached.fingerprint === fingerprint) return cached.events;
    const events = source.kind === 'session' ? this.sessionEvents(source) : this.workerEvents(source);
    this.cache.delete(key);
    this.cache.set(key, { fingerprint, events });
    if (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return events;
  }

  private sessionEvents(source: Extract<StreamSource, { kind: 'session' }>): LogEvent[] {
    const { farmId, queueId, jobId, session } = source;
    const random = new SeededRandom(hashSeed(`log:${session.sessionId}`));
    const jobKey = `${farmId}/${queueId}/${jobId}`;
    const actions = (this.dataset.sessionActions.get(jobKey) ?? []).filter(
      (action) => action.sessionId === session.sessionId,
    );
    const steps = new Map<string, StepRecord>(
      (this.dataset.steps.get(jobKey) ?? []).map((step) => [step.stepId, step]),
    );
    const job = (this.dataset.jobs.get(`${farmId}/${queueId}`) ?? []).find((j) => j.jobId === jobId);
    const roll = random.next();
    const target = source.large
      ? LARGE_SESSION_LOG_LINES
      : roll < 0.1
        ? random.int(3, 8)
        : roll < 0.85
          ? random.int(30, 400)
          : random.int(400, 3000);

    const lines: string[][] = [];
    const block = (...text: string[]) => lines.push(text);
    block(`worker-agent: Session ${session.sessionId} started on worker ${session.workerId}`);
    if (target > 8) {
      block(`Job: ${job?.name ?? jobId} (${jobId})`);
      block(`Queue: ${queueId}  Farm: ${farmId}  Fleet: ${session.fleetId}`);
      block(
        'openjd: Creating session working directory /sessions/' +
          session.sessionId.replace('session-', 'session-dir-'),
      );
    }
    const taskBlocks: { at: number; frame: number }[] = [];
    let failure: SessionActionRecord | undefined;
    // A tiny log (a few lines) names each action on one line.
    const compact = target <= 8;
    for (const action of actions) {
      const definition = action.definition;
      if (compact) {
        const kind = Object.keys(definition)[0] ?? 'action';
        block(`openjd: ${kind} ${action.sessionActionId} ${action.status}`);
        if ('taskRun' in definition && action.status === 'FAILED') {
          failure = action;
          const lines = traceback(random, action);
          block(lines[0] ?? '', ...lines.slice(-3));
        }
        continue;
      }
      if ('envEnter' in definition) {
        block(
          '==============================================',
          `--------- Entering Environment: ${definition.envEnter.environmentId}`,
          '==============================================',
        );
        block('openjd_status: Environment ready');
      } else if ('envExit' in definition) {
        block(
          '==============================================',
          `--------- Exiting Environment: ${definition.envExit.environmentId}`,
          '==============================================',
        );
      } else if ('syncInputJobAttachments' in definition) {
        block(
          `Syncing inputs using Job Attachments${definition.syncInputJobAttachments.stepId ? ` for ${definition.syncInputJobAttachments.stepId}` : ''}`,
          `Summary Statistics for file downloads: Processed ${random.int(3, 400)} files totaling ${random.int(1, 900)}.${random.int(0, 9)} MB.`,
        );
      } else {
        const run = definition.taskRun;
        const stepName = steps.get(run.stepId)?.name ?? run.stepId;
        const params = Object.entries(run.parameters)
          .map(([name, value]) => `${name}=${Object.values(value)[0] ?? ''}`)
          .join(', ');
        const frameText = Object.values(run.parameters)
          .map((value) => Number(Object.values(value)[0]))
          .find((value) => Number.isFinite(value));
        block(
          '==============================================',
          `--------- Running Task (${action.sessionActionId})`,
          '==============================================',
          `Running step ${stepName} task ${run.taskId} with parameters: ${params || 'none'}`,
        );
        taskBlocks.push({ at: lines.length, frame: frameText ?? 1 });
        if (action.status === 'FAILED') {
          failure = action;
          block(...traceback(random, action));
        } else if (action.status === 'SUCCEEDED') {
          block(
            `openjd_status: Task ${run.taskId} completed`,
            `Process exit code: ${action.processExitCode ?? 0}`,
          );
        }
      }
    }
    if (session.endedAt)
      block(`worker-agent: Session ${session.sessionId} ended${failure ? ' (a task failed)' : ''}`);

    // Task output (the renderer's frame progress) fills the log up to its size, inside the task blocks when there
    // are some, else as the worker's environment output after the first block.
    const structural = lines.reduce((sum, group) => sum + group.length, 0);
    const fill = Math.max(0, target - structural);
    const slots = taskBlocks.length > 0 ? taskBlocks : [{ at: Math.min(1, lines.length), frame: 1 }];
    const output: string[][] = slots.map(() => []);
    for (let i = 0; i < fill; i++) {
      const slot = Math.floor((i * slots.length) / fill);
      const { frame } = slots[slot] ?? { frame: 1 };
      output[slot]?.push(renderLine(random, frame, i, source.large));
    }
    for (let slot = slots.length - 1; slot >= 0; slot--) {
      const chunk = output[slot] ?? [];
      const at = slots[slot]?.at ?? 0;
      // One group per line, except a few bursts logged at once.
      const groups: string[][] = [];
      for (let i = 0; i < chunk.length; ) {
        const size = random.chance(0.15) ? random.int(2, 6) : 1;
        groups.push(chunk.slice(i, i + size));
        i += size;
      }
      lines.splice(at, 0, ...groups);
    }

    const start = Date.parse(session.startedAt);
    const end = session.endedAt ? Date.parse(session.endedAt) : Math.max(start, DATASET_NOW - 1000);
    return stamp(random, lines, start, end);
  }

  private workerEvents(source: Extract<StreamSource, { kind: 'worker' }>): LogEvent[] {
    const { worker, farmId } = source;
    const random = new SeededRandom(hashSeed(`log:${worker.workerId}`));
    const lines: string[][] = [];
    lines.push([
      'AWS Deadline Cloud Worker Agent 0.27.2',
      `Worker ${worker.workerId} registered to fleet ${worker.fleetId} of farm ${farmId}`,
    ]);
    lines.push([`Host: ${worker.hostProperties?.hostName ?? 'unknown'}`]);
    const sessions: SessionRecord[] = [];
    for (const [key, list] of this.dataset.sessions) {
      if (!key.startsWith(`${farmId}/`)) continue;
      for (const session of list) if (session.workerId === worker.workerId) sessions.push(session);
    }
    sessions.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    const polls = random.int(2, 12);
    for (let i = 0; i < polls; i++) lines.push(['Polling for work: UpdateWorkerSchedule']);
    for (const session of sessions) {
      lines.push([`Session ${session.sessionId} assigned`, `Starting session ${session.sessionId}`]);
      if (session.endedAt) lines.push([`Session ${session.sessionId} complete`]);
    }
    if (worker.status === 'STOPPED' || worker.status === 'STOPPING')
      lines.push(['Worker Agent shutting down']);
    const start = Date.parse(worker.createdAt);
    return stamp(random, lines, start, Math.max(start, DATASET_NOW - 1000));
  }
}

function renderLine(random: SeededRandom, frame: number, i: number, wide: boolean): string {
  const kind = random.next();
  if (kind < 0.6) {
    return `Fra:${frame} Mem:${random.int(200, 9000)}.${random.int(10, 99)}M | Time:00:${String(random.int(0, 59)).padStart(2, '0')}.${String(random.int(0, 99)).padStart(2, '0')} | Rendering ${random.int(1, 64)} / 64 samples`;
  }
  if (kind < 0.85) return `openjd_progress: ${Math.min(100, Math.floor((i % 97) + random.next() * 3))}`;
  // Some long lines (a renderer's statistics dump), more of them in the large log so its pages meet the 1 MB cap.
  const width = wide ? random.int(150, 400) : random.int(60, 180);
  const words: string[] = [];
  let length = 0;
  while (length < width) {
    const word = `stat_${random.int(0, 999)}=${random.int(0, 999_999)}`;
    words.push(word);
    length += word.length + 1;
  }
  return `[stats] frame ${frame} ${words.join(' ')}`;
}

function traceback(random: SeededRandom, action: SessionActionRecord): string[] {
  const line = random.int(40, 900);
  return [
    'Traceback (most recent call last):',
    '  File "/opt/deadline/adaptors/render_adaptor.py", line 212, in <module>',
    '    main()',
    `  File "/opt/deadline/adaptors/render_adaptor.py", line ${line}, in main`,
    '    renderer.render_frame(frame, output_path)',
    '  File "/opt/deadline/adaptors/renderer.py", line 87, in render_frame',
    "    raise RuntimeError(f'Renderer exited with code {code}')",
    `RuntimeError: Renderer exited with code ${action.processExitCode ?? 1}`,
    `openjd_fail: Task failed (${action.sessionActionId})`,
    `Process exit code: ${action.processExitCode ?? 1}`,
  ];
}

/** Spreads line groups over [start, end]: each group one timestamp, non-decreasing. */
function stamp(random: SeededRandom, groups: string[][], start: number, end: number): LogEvent[] {
  const events: LogEvent[] = [];
  const span = Math.max(0, end - start);
  const count = groups.length;
  groups.forEach((group, index) => {
    const timestamp = start + Math.floor((span * index) / Math.max(1, count));
    const ingestionTime = timestamp + random.int(150, 2500);
    for (const message of group) events.push({ timestamp, message, ingestionTime });
  });
  return events;
}
