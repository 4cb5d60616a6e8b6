/**
 * The model fixture (model/deadline-2023-10-12.json) is complete for what the tests ask of it: every operation the
 * emulator serves is in it, every shape it names is in it, and no documentation string crept in. A newly served
 * operation fails here until the fixture is regenerated.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/emulator/routes.js';

interface Ref {
  shape: string;
}

interface FixtureModel {
  _source: Record<string, string>;
  operations: Record<string, { input?: Ref; output?: Ref; errors?: Ref[] }>;
  shapes: Record<string, { members?: Record<string, Ref>; member?: Ref; key?: Ref; value?: Ref }>;
}

const text = readFileSync(new URL('./model/deadline-2023-10-12.json', import.meta.url), 'utf8');
const fixture = JSON.parse(text) as FixtureModel;

const REGENERATE =
  'run `npm run model:fixture -- <path to botocore service-2.json>` (test/emulator/model/README.md)';

describe('model fixture', () => {
  it('covers every operation the emulator serves', () => {
    const missing = OPERATIONS.map((op) => op.name).filter((name) => !(name in fixture.operations));
    expect(missing, `served but not in the fixture; ${REGENERATE}`).toEqual([]);
  });

  it('holds every shape its operations and shapes refer to', () => {
    const refs = [
      ...Object.values(fixture.operations).flatMap((op) => [op.input, op.output, ...(op.errors ?? [])]),
      ...Object.values(fixture.shapes).flatMap((shape) => [
        ...Object.values(shape.members ?? {}),
        shape.member,
        shape.key,
        shape.value,
      ]),
    ];
    const dangling = refs.flatMap((ref) => (ref && !(ref.shape in fixture.shapes) ? [ref.shape] : []));
    expect([...new Set(dangling)], REGENERATE).toEqual([]);
  });

  it('records its source and carries no documentation', () => {
    expect(fixture._source.path).toBe('botocore/data/deadline/2023-10-12/service-2.json');
    expect(fixture._source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(fixture._source.license).toBe('Apache-2.0');
    expect(text).not.toMatch(/"(documentation|documentationUrl|deprecatedMessage)":/);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
