import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiClient, apiError } from './api-client.js';

interface Report {
  committed: boolean;
  totals: Record<string, number>;
  rows: Array<{ row: number; status: string; problems: Array<{ column: string | null; code: string; message: string }> }>;
}

/**
 * `vigil import FILE.csv [--commit] [--rows 2-40,45]` — a dry run by default: every row's
 * problems, by line and column. With --commit the chosen rows are stored (all or none).
 */
export async function importCommand(args: readonly string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { commit: { type: 'boolean', default: false }, rows: { type: 'string' } } });
  const file = positionals[0];
  if (!file) {
    out('usage: vigil import FILE.csv [--commit] [--rows 2-40,45]');
    return 2;
  }
  const csv = readFileSync(file, 'utf8');
  const rows = csv.split('\n').filter((l) => l.trim()).length - 1;
  const client = ApiClient.fromEnv(env);
  out(`${values.commit ? 'importing' : 'checking (dry run)'} ${rows} row(s) of ${file}…`);
  const started = Date.now();
  const query = `dryRun=${values.commit ? 'false' : 'true'}${values.rows ? `&rows=${encodeURIComponent(values.rows)}` : ''}`;
  const res = await client.request<Report | { error: { details?: { report?: Report } } }>('POST', `/api/imports?${query}`, { csv });
  const report = res.status === 200 ? (res.body as Report) : (res.body as { error: { details?: { report?: Report } } }).error?.details?.report;
  if (!report) {
    out(`vigil import: ${apiError(res.body)}`);
    return 1;
  }
  for (const row of report.rows) {
    for (const p of row.problems) out(`  line ${row.row}${p.column ? ` ${p.column}` : ''}: ${p.code} — ${p.message}`);
  }
  const t = report.totals;
  out(`${Object.entries(t).map(([k, v]) => `${k} ${v}`).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (values.commit) out(report.committed ? 'committed' : 'nothing was imported: fix the rows above, or choose rows with --rows');
  return (t.error ?? 0) > 0 ? 1 : 0;
}
