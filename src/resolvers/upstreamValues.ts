/**
 * Reshapes of upstream values several types share: Deadline's status-count maps and its one-member parameter
 * unions, as lists GraphQL can serve.
 */
import type { TaskRunStatus } from '../__generated__/resolvers-types.js';

/** `{ READY: 3, RUNNING: 1 }` as `[{ status, count }]` (jobs' and steps' `taskRunStatusCounts`). */
export function statusCounts(
  counts: Record<string, number> | undefined,
): { status: TaskRunStatus; count: number }[] {
  return Object.entries(counts ?? {}).map(([status, count]) => ({ status: status as TaskRunStatus, count }));
}

/** The members of Deadline's parameter value unions (JobParameter, TaskParameterValue), by the type they mean. */
const PARAMETER_MEMBERS = [
  ['int', 'INT'],
  ['float', 'FLOAT'],
  ['string', 'STRING'],
  ['path', 'PATH'],
  ['chunkInt', 'CHUNK_INT'],
] as const;

export type ParameterType = (typeof PARAMETER_MEMBERS)[number][1];

/**
 * Deadline sends each parameter as a one-member union (`{int: "3"}`, `{chunkInt: "1-10"}`); every value is a string.
 * A member sent as null is absent; a union member this gateway does not know is left out.
 */
export function parameterList(
  parameters: Record<string, object> | null | undefined,
): { name: string; type: ParameterType; value: string }[] {
  return Object.entries(parameters ?? {}).flatMap(([name, parameter]) => {
    for (const [member, type] of PARAMETER_MEMBERS) {
      const value = (parameter as Record<string, unknown>)[member];
      if (typeof value === 'string') return [{ name, type, value }];
    }
    return [];
  });
}
