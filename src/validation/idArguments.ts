import { badUserInput } from '../errors/codes.js';
import { ID_PATTERNS, type IdName, isValidId } from '../ids/keys.js';

/** Native ID arguments (`farmId`, `jobId`, …) checked against Deadline's patterns before any upstream call. */
export function checkIdArgument(name: string, value: unknown): void {
  if (!Object.hasOwn(ID_PATTERNS, name)) return;
  const idName = name as IdName;
  if (typeof value !== 'string' || !isValidId(idName, value)) {
    const prefix = ID_PATTERNS[idName].source.replace(/^\^/, '').split('-')[0];
    throw badUserInput(
      `\`${name}\` must be a Deadline Cloud ${prefix} ID: "${prefix}-" followed by 32 lowercase hex digits ` +
        `(got ${JSON.stringify(value)}).`,
      name,
    );
  }
}

/** Checks every native ID argument of a field and returns them unchanged, typed. */
export function checkIdArguments<A extends object>(args: A): A {
  for (const [name, value] of Object.entries(args)) checkIdArgument(name, value);
  return args;
}
