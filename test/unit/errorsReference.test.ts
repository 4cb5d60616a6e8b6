import { readdirSync, readFileSync } from 'node:fs';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { describe, expect, it } from 'vitest';
import { ApolloErrorCode, ErrorCode, UpstreamReason } from '../../src/errors/codes.js';
import { namesInFirstColumn } from '../helpers/docsTables.js';

const REGISTERED: readonly string[] = [...Object.values(ErrorCode), ...Object.values(ApolloErrorCode)];

/** docs/errors.md lists every public `extensions.code` and `extensions.reason` of src/errors/codes.ts. */
describe('docs/errors.md', () => {
  it('documents every error code a client can receive, and no other', () => {
    const documented = [...namesInFirstColumn('errors.md')];
    expect(REGISTERED.filter((code) => !documented.includes(code))).toEqual([]);
    expect(documented.filter((code) => !REGISTERED.includes(code))).toEqual([]);
  });

  it('documents every reason a Deadline failure can carry, under "Why Deadline failed"', () => {
    const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const start = text.indexOf('\n## Why Deadline failed');
    expect(start).toBeGreaterThan(0);
    const section = text.slice(start, text.indexOf('\n## ', start + 1));
    expect(Object.values(UpstreamReason).filter((reason) => !section.includes(`\`${reason}\``))).toEqual([]);
  });
});

describe('the error code registry (src/errors/codes.ts)', () => {
  it("lists under ApolloErrorCode only Apollo Server's own codes, none of them also in ErrorCode", () => {
    const apollos: readonly string[] = Object.values(ApolloServerErrorCode);
    const gateways: readonly string[] = Object.values(ErrorCode);
    for (const code of Object.values(ApolloErrorCode)) {
      expect(apollos, code).toContain(code);
      expect(gateways, code).not.toContain(code);
    }
  });

  /**
   * The lines of the gateway's TypeScript sources outside src/errors/, comment lines blanked. The emulator is left
   * out: it answers with Deadline's own error codes and imports nothing from the gateway.
   */
  function gatewaySources(): { file: string; lines: string[] }[] {
    const src = new URL('../../src/', import.meta.url);
    return readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !/^(errors|emulator|__generated__)\//.test(file))
      .map((file) => ({
        file,
        lines: readFileSync(new URL(file, src), 'utf8')
          .split('\n')
          .map((line) => (/^\s*(\/\/|\/?\*)/.test(line) ? '' : line)),
      }));
  }

  function offending(pattern: RegExp): string[] {
    return gatewaySources().flatMap(({ file, lines }) =>
      lines.flatMap((line, index) =>
        pattern.test(line) ? [`src/${file}:${index + 1}: ${line.trim()}`] : [],
      ),
    );
  }

  it('is where every code is spelled: no `code: "…"` and no `extensions.code === "…"` elsewhere in src/', () => {
    expect(offending(/\bcode\??\s*:\s*['"`]|\bextensions\??\.code\s*[!=]==?\s*['"`]/)).toEqual([]);
  });

  it('is where every code is spelled: no registered code as a string literal elsewhere in src/', () => {
    const quoted = new RegExp(`(['"\`])(${REGISTERED.join('|')})\\1`);
    expect(offending(quoted)).toEqual([]);
  });
});
