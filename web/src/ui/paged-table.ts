import type { Page } from '../api';
import { humanMessage } from '../api';
import { clear, el } from '../dom';
import { downloadCsv } from './csv';

export interface Column<T> {
  readonly title: string;
  readonly cell: (item: T) => Node | string | number | null;
  /** The value in a CSV export (defaults to the cell's text). */
  readonly csv?: (item: T) => string | number | null;
}

export interface PagedTableOptions<T> {
  readonly columns: readonly Column<T>[];
  readonly fetch: (limit: number, offset: number) => Promise<Page<T>>;
  readonly pageSize?: number;
  readonly empty?: string;
  readonly rowAttributes?: (item: T) => Record<string, string>;
  readonly onRowClick?: (item: T) => void;
  /** File name of the "CSV" button, which exports the rows shown; no button without it. */
  readonly csvName?: string;
  readonly name: string;
}

export interface PagedTable {
  readonly element: HTMLElement;
  /** Loads again; `fromStart` goes back to the first page (filters changed). */
  reload(fromStart?: boolean): Promise<void>;
}

/**
 * A table whose pages come from the server (every list in the app pages there, so 20,000 rows
 * cost what 50 do). Out-of-order answers are dropped: only the latest request draws.
 */
export function pagedTable<T>(options: PagedTableOptions<T>): PagedTable {
  const size = options.pageSize ?? 50;
  const body = el('tbody');
  const info = el('span', { class: 'muted', 'data-info': options.name });
  const prev = el('button', { type: 'button', class: 'secondary' }, '‹ Previous');
  const next = el('button', { type: 'button', class: 'secondary' }, 'Next ›');
  const csv = options.csvName ? el('button', { type: 'button', class: 'secondary', 'data-csv': options.name }, 'Export CSV') : null;
  let offset = 0;
  let seq = 0;
  let shown: T[] = [];
  const reload = async (fromStart = false) => {
    if (fromStart) offset = 0;
    const mine = ++seq;
    try {
      const page = await options.fetch(size, offset);
      if (mine !== seq) return;
      shown = page.items;
      clear(body);
      for (const item of page.items) {
        const row = el('tr', options.rowAttributes?.(item) ?? {}, ...options.columns.map((c) => el('td', {}, c.cell(item))));
        if (options.onRowClick) {
          row.classList.add('clickable');
          row.addEventListener('click', () => options.onRowClick!(item));
        }
        body.append(row);
      }
      info.textContent = page.total === 0 ? (options.empty ?? 'Nothing to show') : `${offset + 1}–${offset + page.items.length} of ${page.total}`;
      prev.disabled = offset === 0;
      next.disabled = offset + page.items.length >= page.total;
    } catch (err) {
      if (mine === seq) info.textContent = humanMessage(err);
    }
  };
  prev.addEventListener('click', () => {
    offset = Math.max(0, offset - size);
    void reload();
  });
  next.addEventListener('click', () => {
    offset += size;
    void reload();
  });
  csv?.addEventListener('click', () => {
    const cellText = (c: Column<T>, item: T) => {
      if (c.csv) return c.csv(item);
      const v = c.cell(item);
      return v instanceof Node ? (v.textContent ?? '') : v;
    };
    downloadCsv(options.csvName!, options.columns.map((c) => c.title), shown.map((item) => options.columns.map((c) => cellText(c, item))));
  });
  const element = el(
    'div',
    { class: 'paged', 'data-table': options.name },
    el('table', { class: 'list' }, el('thead', {}, el('tr', {}, ...options.columns.map((c) => el('th', {}, c.title)))), body),
    el('div', { class: 'row' }, prev, next, info, csv),
  );
  return { element, reload };
}
