import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORDS } from '../../src/model/records.js';

/**
 * The record builders (RECORDS in src/model/records.ts, from the registry's member lists) must give every record of a kind one
 * shape: `key`, `level`, then every member of the SDK type in one fixed order, whichever members the SDK's output
 * holds; a detail lays out its summary's members as one run, in the summary's order. The member lists come from the
 * installed SDK's type declarations, so a member the SDK adds or a builder leaves out fails here.
 */
const modelsDir = join(
  dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-deadline')),
  '..',
  'dist-types',
  'models',
);
const declarations = ['models_0.d.ts', 'models_1.d.ts'].map((file) =>
  readFileSync(join(modelsDir, file), 'utf8'),
);

/** The members of an SDK interface, in declaration order. */
function membersOf(type: string): string[] {
  for (const text of declarations) {
    const start = text.indexOf(`\nexport interface ${type} {\n`);
    if (start < 0) continue;
    const body = text.slice(start, text.indexOf('\n}', start));
    return [...body.matchAll(/^ {4}([A-Za-z0-9_$]+)\??:/gm)].map((match) => match[1] ?? '');
  }
  throw new Error(`no interface ${type} in the SDK's models`);
}

interface Case {
  /** The builder, with its input and key types erased. */
  build: (output: never, key: never) => object;
  level: 'summary' | 'detail';
  /** The record's SDK type (what records.ts extends with key and level). */
  recordType: string;
  /** The SDK output types the builder takes (the record type or one that lacks the key's parent IDs). */
  inputTypes: string[];
  key: Record<string, string>;
  /** For a detail builder: its kind's summary builder (a key of `cases`). */
  summary?: string;
}

const farm = { farmId: 'farm-1' };
const queue = { ...farm, queueId: 'queue-1' };
const job = { ...queue, jobId: 'job-1' };
const fleet = { ...farm, fleetId: 'fleet-1' };

const cases: Record<string, Case> = {
  farmSummaryRecord: {
    build: RECORDS.Farm.listItem,
    level: 'summary',
    recordType: 'FarmSummary',
    inputTypes: ['FarmSummary'],
    key: farm,
  },
  farmDetailRecord: {
    build: RECORDS.Farm.detail,
    summary: 'farmSummaryRecord',
    level: 'detail',
    recordType: 'GetFarmResponse',
    inputTypes: ['GetFarmResponse'],
    key: farm,
  },
  queueSummaryRecord: {
    build: RECORDS.Queue.listItem,
    level: 'summary',
    recordType: 'QueueSummary',
    inputTypes: ['QueueSummary'],
    key: queue,
  },
  queueDetailRecord: {
    build: RECORDS.Queue.detail,
    summary: 'queueSummaryRecord',
    level: 'detail',
    recordType: 'GetQueueResponse',
    inputTypes: ['GetQueueResponse'],
    key: queue,
  },
  jobSummaryRecord: {
    build: RECORDS.Job.listItem,
    level: 'summary',
    recordType: 'JobSummary',
    inputTypes: ['JobSummary'],
    key: job,
  },
  jobDetailRecord: {
    build: RECORDS.Job.detail,
    summary: 'jobSummaryRecord',
    level: 'detail',
    recordType: 'BatchGetJobItem',
    inputTypes: ['BatchGetJobItem', 'GetJobResponse'],
    key: job,
  },
  sessionSummaryRecord: {
    build: RECORDS.Session.listItem,
    level: 'summary',
    recordType: 'SessionSummary',
    inputTypes: ['SessionSummary'],
    key: { ...job, sessionId: 'session-1' },
  },
  sessionDetailRecord: {
    build: RECORDS.Session.detail,
    summary: 'sessionSummaryRecord',
    level: 'detail',
    recordType: 'BatchGetSessionItem',
    inputTypes: ['BatchGetSessionItem', 'GetSessionResponse'],
    key: { ...job, sessionId: 'session-1' },
  },
  fleetSummaryRecord: {
    build: RECORDS.Fleet.listItem,
    level: 'summary',
    recordType: 'FleetSummary',
    inputTypes: ['FleetSummary'],
    key: fleet,
  },
  fleetDetailRecord: {
    build: RECORDS.Fleet.detail,
    summary: 'fleetSummaryRecord',
    level: 'detail',
    recordType: 'GetFleetResponse',
    inputTypes: ['GetFleetResponse'],
    key: fleet,
  },
  stepSummaryRecord: {
    build: RECORDS.Step.listItem,
    level: 'summary',
    recordType: 'StepSummary',
    inputTypes: ['StepSummary'],
    key: { ...job, stepId: 'step-1' },
  },
  stepDetailRecord: {
    build: RECORDS.Step.detail,
    summary: 'stepSummaryRecord',
    level: 'detail',
    recordType: 'BatchGetStepItem',
    inputTypes: ['BatchGetStepItem', 'GetStepResponse'],
    key: { ...job, stepId: 'step-1' },
  },
  taskRecord: {
    build: RECORDS.Task.detail,
    level: 'detail',
    recordType: 'BatchGetTaskItem',
    inputTypes: ['BatchGetTaskItem', 'TaskSummary', 'GetTaskResponse'],
    key: { ...job, stepId: 'step-1', taskId: 'task-1' },
  },
  sessionActionSummaryRecord: {
    build: RECORDS.SessionAction.listItem,
    level: 'summary',
    recordType: 'SessionActionSummary',
    inputTypes: ['SessionActionSummary'],
    key: { ...job, sessionActionId: 'sessionaction-1' },
  },
  sessionActionDetailRecord: {
    build: RECORDS.SessionAction.detail,
    summary: 'sessionActionSummaryRecord',
    level: 'detail',
    recordType: 'BatchGetSessionActionItem',
    inputTypes: ['BatchGetSessionActionItem', 'GetSessionActionResponse'],
    key: { ...job, sessionActionId: 'sessionaction-1' },
  },
  workerRecord: {
    build: RECORDS.Worker.detail,
    level: 'detail',
    recordType: 'BatchGetWorkerItem',
    inputTypes: ['BatchGetWorkerItem', 'WorkerSummary', 'GetWorkerResponse'],
    key: { ...fleet, workerId: 'worker-1' },
  },
};

/** An SDK-like output holding `members`: key parts carry the key's value, the rest a value of their own. */
function outputWith(members: readonly string[], key: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(members.map((member) => [member, key[member] ?? { value: member }]));
}

/** The members of the record `name` builds, in the record's order (after `key` and `level`). */
function recordMembers(name: string): string[] {
  const { build, recordType, key } = cases[name] as Case;
  return Object.keys(build(outputWith(membersOf(recordType), key) as never, key as never)).slice(2);
}

describe.each(Object.entries(cases))('%s', (_, { build, level, recordType, inputTypes, key }) => {
  const members = membersOf(recordType);
  const record = (output: Record<string, unknown>) => build(output as never, key as never);

  it('carries every member of the full SDK output, with its value, after key and level', () => {
    expect(members.length).toBeGreaterThan(0);
    for (const inputType of inputTypes) {
      const output = outputWith(membersOf(inputType), key);
      const built = record({ ...output, $metadata: { requestId: 'r' } });
      expect(Object.keys(built).slice(0, 2)).toEqual(['key', 'level']);
      expect(Object.keys(built).slice(2).sort()).toEqual([...members].sort());
      expect(built).toStrictEqual({ key, level, ...outputWith(members, key) });
      for (const [member, value] of Object.entries(output)) {
        expect(built[member as keyof typeof built], member).toBe(value);
      }
    }
  });

  it('has one shape whichever members the output holds', () => {
    const full = record(outputWith(members, key));
    const half = (parity: number) => members.filter((__, index) => index % 2 === parity);
    const sparse = [record(outputWith(half(0), key)), record(outputWith(half(1), key)), record({})];
    for (const built of sparse) expect(Object.keys(built)).toEqual(Object.keys(full));
  });
});

describe.each(
  Object.entries(cases).flatMap(([name, { summary }]) => (summary === undefined ? [] : [[name, summary]])),
)('%s', (name, summary) => {
  it(`lays out ${summary}'s members as one run, in its order`, () => {
    const summaryMembers = recordMembers(summary);
    const detailMembers = recordMembers(name);
    const start = detailMembers.indexOf(summaryMembers[0] ?? '');
    expect(detailMembers.slice(start, start + summaryMembers.length)).toEqual(summaryMembers);
  });
});
