import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, UpstreamReason } from '../../src/errors/codes.js';
import { namesInFirstColumn } from '../helpers/docsTables.js';

/** docs/errors.md lists every public `extensions.code` and `extensions.reason` of src/errors/codes.ts. */
describe('docs/errors.md', () => {
  it('documents every error code the gateway defines', () => {
    const documented = namesInFirstColumn('errors.md');
    expect(Object.values(ErrorCode).filter((code) => !documented.has(code))).toEqual([]);
  });

  it('documents every reason a Deadline failure can carry, under "Why Deadline failed"', () => {
    const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const start = text.indexOf('\n## Why Deadline failed');
    expect(start).toBeGreaterThan(0);
    const section = text.slice(start, text.indexOf('\n## ', start + 1));
    expect(Object.values(UpstreamReason).filter((reason) => !section.includes(`\`${reason}\``))).toEqual([]);
  });
});
