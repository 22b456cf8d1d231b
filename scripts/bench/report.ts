import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FILE = path.resolve(import.meta.dirname, '../../docs/BENCHMARKS.md');
const HEADER = '# Benchmarks\n\nFigures written by the scripts in `scripts/bench/`; each section says how it was produced. Re-run a script to refresh its section.\n';

/** Replaces (or appends) one `## title` section of docs/BENCHMARKS.md. */
export function writeSection(title: string, body: string): void {
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const heading = `## ${title}`;
  const start = text.indexOf(`\n${heading}\n`);
  const section = `\n${heading}\n\n${body.trim()}\n`;
  if (start < 0) {
    writeFileSync(FILE, `${text.trimEnd()}\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length + 1);
  writeFileSync(FILE, text.slice(0, start) + section + (next < 0 ? '' : text.slice(next)));
}
