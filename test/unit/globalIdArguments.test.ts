import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/ids/globalId.js';
import { checkNodesCount, MAX_NODES, parseGlobalIdArgument } from '../../src/validation/globalIdArguments.js';

const hex = (c: string) => c.repeat(32);
const job = { farmId: `farm-${hex('a')}`, queueId: `queue-${hex('b')}`, jobId: `job-${hex('c')}` };

/** The BAD_USER_INPUT `run` throws: its message and argument name. */
function refusal(run: () => unknown): { message: string; argumentName: unknown } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { message, extensions } = error as GraphQLError;
    expect(extensions.code).toBe('BAD_USER_INPUT');
    return { message, argumentName: extensions.argumentName };
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('parseGlobalIdArgument', () => {
  it('returns the typed key of an ID this API issued, of any type or of the expected one', () => {
    const id = globalIdOf('Job', job);
    expect(parseGlobalIdArgument(id, 'id')).toEqual({ type: 'Job', key: job });
    expect(parseGlobalIdArgument(id, 'id', { type: 'Job' })).toEqual({ type: 'Job', key: job });
    expect(parseGlobalIdArgument(id, 'id', { type: 'Job', inReference: true }).key).toEqual(job);
  });

  it('refuses anything else naming the argument, with one message family', () => {
    expect(refusal(() => parseGlobalIdArgument('nope', 'ids[2]'))).toEqual({
      message:
        '`ids[2]` is not an ID issued by this API (got "nope"). Use the `id` field of an object; native Deadline ' +
        'IDs go to the typed lookups such as `job(farmId:, queueId:, jobId:)`.',
      argumentName: 'ids[2]',
    });
    const farmId = globalIdOf('Farm', { farmId: job.farmId });
    expect(refusal(() => parseGlobalIdArgument(farmId, 'id', { type: 'Job' })).message).toBe(
      `\`id\` is not a Job ID issued by this API (got "${farmId}"). Use the \`id\` field of a Job; native ` +
        'Deadline IDs go to the typed lookups.',
    );
    expect(refusal(() => parseGlobalIdArgument(farmId, 'id', { type: 'Job', inReference: true }))).toEqual({
      message:
        `\`id\` of this Job reference is not a Job ID issued by this API (got "${farmId}"). Use the \`id\` field ` +
        'of a Job, or send its key fields instead (`farmId queueId jobId`).',
      argumentName: 'id',
    });
  });

  it('says when the value is a native Deadline ID, and what takes it: a lookup, or key fields', () => {
    expect(refusal(() => parseGlobalIdArgument(job.jobId, 'id')).message).toBe(
      `\`id\`: "${job.jobId}" is a native Deadline job ID, not a global ID. Use ` +
        `\`job(farmId:, queueId:, jobId: "${job.jobId}")\`, or the job's \`id\` field as returned by this API.`,
    );
    expect(
      refusal(() => parseGlobalIdArgument(job.queueId, 'id', { type: 'Job', inReference: true })).message,
    ).toBe(
      `\`id\` of this Job reference: "${job.queueId}" is a native Deadline queue ID, not a global ID. Send its key ` +
        "fields instead (`farmId queueId`), or the queue's `id` field as returned by this API.",
    );
  });
});

describe('checkNodesCount', () => {
  it('takes up to MAX_NODES IDs', () => {
    expect(() => checkNodesCount(Array(MAX_NODES).fill('x'))).not.toThrow();
    expect(refusal(() => checkNodesCount(Array(MAX_NODES + 1).fill('x')))).toEqual({
      message: `\`ids\` takes at most ${MAX_NODES} IDs (got ${MAX_NODES + 1}). Split the request.`,
      argumentName: 'ids',
    });
  });
});
