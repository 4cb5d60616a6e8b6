import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/codes.js';
import { namesInFirstColumn } from '../helpers/docsTables.js';

/** docs/errors.md lists every public `extensions.code` of src/errors/codes.ts, with when and what to do. */
describe('docs/errors.md', () => {
  it('documents every error code the gateway defines', () => {
    const documented = namesInFirstColumn('errors.md');
    expect(Object.values(ErrorCode).filter((code) => !documented.has(code))).toEqual([]);
  });
});
