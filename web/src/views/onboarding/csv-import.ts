import { ApiError, humanMessage } from '../../api';
import { clear, el } from '../../dom';
import { downloadFrom } from '../../ui/csv';

interface RowReport {
  row: number;
  status: 'valid' | 'created' | 'exists' | 'error' | 'skipped';
  cameraId: string | null;
  problems: Array<{ column: string | null; code: string; message: string }>;
}

interface ImportReport {
  dryRun: boolean;
  committed: boolean;
  totals: Record<RowReport['status'] | 'rows', number>;
  rows: RowReport[];
}

let csrf: () => string | null = () => null;
/** The CSV body is not JSON, so the import posts itself; main.ts hands over the CSRF token. */
export function useCsrf(get: () => string | null): void {
  csrf = get;
}

async function postCsv(text: string, query: string): Promise<ImportReport> {
  const headers: Record<string, string> = { 'content-type': 'text/csv', accept: 'application/json' };
  const token = csrf();
  if (token) headers['x-csrf-token'] = token;
  const res = await fetch(`/api/imports?${query}`, { method: 'POST', headers, body: text, credentials: 'same-origin' });
  const data = (await res.json().catch(() => null)) as (ImportReport & { error?: { code: string; message: string; details?: Record<string, unknown> } }) | null;
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? `HTTP_${res.status}`, data?.error?.message ?? res.statusText, data?.error?.details);
  return data!;
}

/** Row numbers as ranges ("2-40,45"): the API's `rows` is bounded in length. */
export function rowRanges(rows: readonly number[]): string {
  const sorted = [...rows].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const from = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(sorted[i] === from ? String(from) : `${from}-${sorted[i]}`);
  }
  return parts.join(',');
}

/**
 * Bulk import: download the template, check a file (dry run: every row's problems, nothing
 * stored), then import the good rows in one transaction.
 */
export function csvImportPanel(): HTMLElement {
  const file = el('input', { type: 'file', accept: '.csv,text/csv', 'aria-label': 'CSV file' });
  const check = el('button', { type: 'button', 'data-action': 'dry-run', disabled: true }, 'Check file (dry run)');
  const commit = el('button', { type: 'button', 'data-action': 'commit', hidden: true }, 'Import');
  const template = el('button', { type: 'button', class: 'secondary', 'data-action': 'template' }, 'Download template');
  const message = el('p', { class: 'error', role: 'alert' });
  const summary = el('p', { 'data-import-summary': true });
  const body = el('tbody');
  let text = '';
  let validRows: number[] = [];

  template.addEventListener('click', () => void downloadFrom('/api/imports/template', 'vigil-cameras-template.csv').catch((err: unknown) => (message.textContent = humanMessage(err))));
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    commit.hidden = true;
    clear(body);
    summary.textContent = '';
    if (!chosen) return void (check.disabled = true);
    if (chosen.size > 5 * 1024 * 1024) return void (message.textContent = 'The file is larger than 5 MB; split it.');
    void chosen.text().then((t) => {
      text = t;
      check.disabled = false;
      message.textContent = '';
    });
  });

  const drawReport = (report: ImportReport) => {
    clear(body);
    for (const r of report.rows) {
      body.append(
        el(
          'tr',
          { 'data-row': r.row, 'data-status': r.status },
          el('td', {}, r.row),
          el('td', {}, el('span', { class: `status status-${r.status}` }, r.status)),
          el('td', {}, r.problems.map((p) => `${p.column ? `${p.column}: ` : ''}${p.message} [${p.code}]`).join('; ')),
          el('td', {}, r.cameraId ? el('a', { href: `#/cameras/${r.cameraId}` }, 'open') : ''),
        ),
      );
    }
    const t = report.totals;
    summary.textContent = report.dryRun
      ? `Dry run: ${t.rows} rows — ${t.valid} can be imported, ${t.exists} already in the catalog, ${t.error} with problems. Nothing was stored.`
      : `Imported ${t.created} cameras (${t.exists} already there, ${t.skipped} skipped).`;
  };

  check.addEventListener('click', () => {
    message.textContent = '';
    check.disabled = true;
    void postCsv(text, 'dryRun=true')
      .then((report) => {
        drawReport(report);
        validRows = report.rows.filter((r) => r.status === 'valid').map((r) => r.row);
        commit.hidden = validRows.length === 0;
        commit.textContent = `Import ${validRows.length} good row${validRows.length === 1 ? '' : 's'}`;
      })
      .catch((err: unknown) => (message.textContent = humanMessage(err)))
      .finally(() => (check.disabled = false));
  });
  commit.addEventListener('click', () => {
    message.textContent = '';
    commit.disabled = true;
    void postCsv(text, `dryRun=false&rows=${rowRanges(validRows)}`)
      .then((report) => {
        drawReport(report);
        commit.hidden = true;
      })
      .catch((err: unknown) => (message.textContent = humanMessage(err)))
      .finally(() => (commit.disabled = false));
  });

  return el(
    'section',
    { class: 'panel', 'data-panel': 'import' },
    el('h3', {}, 'Import cameras from CSV'),
    el('p', { class: 'muted' }, 'One camera per row, in the template\u2019s columns. Check the file first: nothing is stored until you import.'),
    el('div', { class: 'row' }, template, file, check, commit),
    message,
    summary,
    el('table', { class: 'list', 'data-table': 'import-report' }, el('thead', {}, el('tr', {}, ...['Row', 'Result', 'Problems', ''].map((h) => el('th', {}, h)))), body),
  );
}
