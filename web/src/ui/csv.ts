import { stringify } from 'csv-stringify/browser/esm/sync';

/** Saves rows as a CSV file (what a table shows, as the user sees it). */
export function downloadCsv(fileName: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): void {
  const text = stringify([header, ...rows.map((r) => r.map((v) => (v === null ? '' : v)))]);
  saveFile(fileName, new Blob([text], { type: 'text/csv;charset=utf-8' }));
}

export function saveFile(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads a file the API makes (CSV reports), with the session cookie. */
export async function downloadFrom(path: string, fileName: string): Promise<void> {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`download failed: HTTP ${res.status}`);
  saveFile(fileName, await res.blob());
}
