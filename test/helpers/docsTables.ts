import { readFileSync } from 'node:fs';

/**
 * The backticked upper-case names in the first cell of every table row of a file under docs/: the variables of
 * docs/configuration.md, the codes of docs/errors.md. Tests hold the code to these lists.
 */
export function namesInFirstColumn(docsFile: string): Set<string> {
  const text = readFileSync(new URL(`../../docs/${docsFile}`, import.meta.url), 'utf8');
  const firstCells = text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|')[1] ?? '');
  return new Set(
    firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] as string)),
  );
}
