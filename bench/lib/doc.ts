/**
 * docs/benchmarks.md, where every benchmark writes its own section between its own markers
 * (`<!-- bench:NAME -->` … `<!-- /bench:NAME -->`) and leaves the rest of the file alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DOC = join(new URL('../..', import.meta.url).pathname, 'docs/benchmarks.md');

const HEADER = '# Benchmarks\n\nEach section is written by the benchmark named in it; edit the benchmark, not the numbers.\n';

/**
 * Replaces the section whose markers are `section`'s own first and last lines (appends it when the
 * file has none); returns the file written.
 */
export function updateDoc(section: string, file = DOC): string {
  const lines = section.trim().split('\n');
  const begin = lines[0] ?? '';
  const end = lines[lines.length - 1] ?? '';
  if (!begin.startsWith('<!-- bench:') || !end.startsWith('<!-- /bench:')) throw new Error('a benchmark section starts and ends with its markers');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const a = current.indexOf(begin);
  const b = current.indexOf(end);
  const next = a >= 0 && b > a ? current.slice(0, a) + section + current.slice(b + end.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  return file;
}
