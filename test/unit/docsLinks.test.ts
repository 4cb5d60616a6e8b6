import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link in the repository's Markdown resolves: the file or folder exists, and a `#fragment` names a
 * heading of the target (GitHub's anchor rules). External links (http, mailto) are not followed: no network here.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'results']);

function markdownFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The text outside fenced code blocks and inline code, where a `[x](y)` is a link. */
function proseOf(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (but `-` and `_`), spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(path: string): Set<string> {
  const headings = readFileSync(path, 'utf8')
    .replace(/^```[\s\S]*?^```/gm, '')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => anchorOf(line.replace(/^#+ /, '')));
  return new Set(headings);
}

function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const match of proseOf(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1] as string;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [pathPart = '', fragment] = target.split('#', 2);
    const resolved = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
    const where = `${relative(ROOT, file)}: (${target})`;
    if (!existsSync(resolved)) {
      broken.push(`${where} — no such file`);
    } else if (fragment !== undefined) {
      if (statSync(resolved).isDirectory() || !resolved.endsWith('.md'))
        broken.push(`${where} — anchor on a non-Markdown target`);
      else if (!anchorsOf(resolved).has(fragment)) broken.push(`${where} — no heading with that anchor`);
    }
  }
  return broken;
}

describe('Markdown links', () => {
  const files = markdownFiles(ROOT);

  it('finds the README and the docs folder', () => {
    const names = files.map((file) => relative(ROOT, file));
    expect(names).toContain('README.md');
    expect(names.filter((name) => name.startsWith('docs/')).length).toBeGreaterThan(5);
  });

  it('resolve, anchors included', () => {
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });

  it('computes anchors as GitHub does', () => {
    expect(anchorOf('Many replicas: `REDIS_URL`')).toBe('many-replicas-redis_url');
    expect(anchorOf('`Query.node` in a supergraph')).toBe('querynode-in-a-supergraph');
    expect(anchorOf("From the client's side")).toBe('from-the-clients-side');
  });
});
