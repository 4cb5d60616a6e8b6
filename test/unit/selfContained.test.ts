/**
 * The repository is self-contained: no source, test, script, benchmark, CI or root config file reaches for the
 * folder beside the checkout (`shared`, one level up) or an absolute path under the work machine's root. A clone
 * placed anywhere must build and test alone (.ci/run runs `npm test` in such a clone).
 *
 * Files are the ones git knows (tracked, or new and not ignored). Without git (an unpacked archive) the same
 * folders are walked instead, skipping node_modules and the folders .gitignore names. Whole-line comments are not
 * reads and are skipped. The forbidden strings are assembled from pieces, so this file does not trip itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = ['src', 'test', 'scripts', 'bench', 'examples', '.ci'];
const ROOT_FILES = [
  'package.json',
  'codegen.ts',
  'tsconfig.json',
  'vitest.config.ts',
  'vitest.e2e.config.ts',
];

const PARENT = '..';
const SHARED = 'shared';
const MACHINE_ROOT = 'work';
const QUOTE = '[\'"`]';
const FORBIDDEN: { what: string; pattern: RegExp }[] = [
  { what: `a path into ${PARENT}/${SHARED}`, pattern: new RegExp(`\\.\\.[/\\\\]${SHARED}\\b`) },
  {
    what: `${PARENT} and ${SHARED} as path segments`,
    pattern: new RegExp(`${QUOTE}\\.\\.${QUOTE}\\s*,\\s*${QUOTE}${SHARED}${QUOTE}`),
  },
  { what: `an absolute /${MACHINE_ROOT}/ path`, pattern: new RegExp(`(?<![\\w.~-])/${MACHINE_ROOT}/`) },
];

/** Files git knows under FOLDERS and the ROOT_FILES, or undefined when ROOT is not a git work tree. */
function gitFiles(): string[] | undefined {
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...FOLDERS, ...ROOT_FILES],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return out.split('\0').filter((path) => path !== '');
  } catch {
    return undefined;
  }
}

/** The same set without git: FOLDERS walked, skipping node_modules and .gitignore's folder entries. */
function walkedFiles(): string[] {
  const ignoreFile = join(ROOT, '.gitignore');
  const ignored = (existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8').split('\n') : [])
    .map((line) => line.trim())
    .filter((line) => line.endsWith('/') && !line.startsWith('#'))
    .map((line) => line.replace(/^\/|\/$/g, ''));
  const skip = (path: string, name: string) =>
    name === 'node_modules' ||
    ignored.some((entry) => entry === path || (!entry.includes('/') && entry === name));
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return skip(path, entry.name) ? [] : walk(path);
      return entry.isFile() ? [path] : [];
    });
  return [...FOLDERS.filter((dir) => existsSync(join(ROOT, dir))).flatMap(walk), ...ROOT_FILES];
}

const isWholeLineComment = (line: string) => /^\s*(\/\/|\/\*|\*|#)/.test(line);

describe('the repository is self-contained', () => {
  const files = (gitFiles() ?? walkedFiles()).filter((path) => existsSync(join(ROOT, path)));

  it('finds the files to check', () => {
    expect(files).toContain('package.json');
    expect(files).toContain(
      relative(ROOT, fileURLToPath(import.meta.url))
        .split('\\')
        .join('/'),
    );
  });

  it('no file reads the folder beside the checkout or an absolute machine path', () => {
    const found: string[] = [];
    for (const path of files) {
      const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (isWholeLineComment(line)) return;
        for (const { what, pattern } of FORBIDDEN) {
          if (pattern.test(line)) found.push(`${path}:${index + 1}: ${what}: ${line.trim()}`);
        }
      });
    }
    expect(found, 'the repository must not depend on files outside it').toEqual([]);
  });
});
