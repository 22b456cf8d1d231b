import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { api, humanMessage, type Page } from '../api';
import { clear, el } from '../dom';
import { downloadCsv, downloadFrom } from '../ui/csv';
import { duration, field, percent, select, when } from '../ui/form';
import { pagedTable } from '../ui/paged-table';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

interface StateCounts {
  online: number;
  degraded: number;
  offline: number;
  unknown: number;
  maintenance: number;
}

interface RateGroup {
  key: string;
  label: string;
  cameras: number;
  counts: StateCounts;
  rate: number | null;
  coverage: number | null;
}

interface RateReport {
  groups: RateGroup[];
  total: RateGroup;
  from: string | null;
  to: string;
}

interface RateSeries {
  buckets: string[];
  groups: Array<{ key: string; label: string; rates: Array<number | null> }>;
  total: { rates: Array<number | null> };
}

interface Problem {
  cameraId: string;
  name: string;
  organisationName: string;
  ownerType: string;
  tier: string;
  state: string;
  reason: string;
  since: string;
  ageSeconds: number;
  flapping: boolean;
}

interface Ticket {
  id: string;
  cameraId: string;
  cameraName: string;
  organisationName: string;
  tier: string;
  reason: string;
  downSince: string;
  openedAt: string;
  downSeconds: number;
}

interface TicketStats {
  groups: Array<{ key: string; label: string; opened: number; closed: number; open: number; meanSeconds: number | null; medianSeconds: number | null; p90Seconds: number | null }>;
}

const REFRESH_MS = 30_000;
const MAX_LINES = 8;
const COLOURS = ['#4c9aff', '#ff5c5c', '#ffb547', '#6fbf73', '#b98cff', '#4fd1c5', '#f78fb3', '#c0c0c0'];

/**
 * The technicians' dashboard: online rate now and over time by owner type, organisation, region
 * (drilling down the tree) and tier; the offline/degraded list; repair tickets and time to repair.
 * Refreshes every 30 s while open.
 */
export function dashboardView(openCamera: (id: string) => void): { element: HTMLElement; stop: () => void } {
  const groupBy = select('Group by', [['ownerType', 'Owner type'], ['organisation', 'Organisation'], ['region', 'Region'], ['tier', 'Tier']], 'ownerType');
  const window = select('Window', [['now', 'Now'], ['1h', 'Last hour'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days']], 'now');
  const trend = select('Trend', [['1h', 'Trend: last hour'], ['24h', 'Trend: 24 hours'], ['7d', 'Trend: 7 days'], ['30d', 'Trend: 30 days']], '24h');
  let regionId: string | null = null;
  const crumbs = el('span', { class: 'muted' });
  const headline = el('div', { class: 'headline' });
  const groupsBody = el('tbody');
  const message = el('p', { class: 'error', role: 'alert' });
  const barCanvas = el('canvas', { 'aria-label': 'Online rate by group' });
  const lineCanvas = el('canvas', { 'aria-label': 'Online rate over time' });
  let bars: Chart | null = null;
  let lines: Chart | null = null;

  const rateQuery = () => {
    const p = new URLSearchParams({ groupBy: groupBy.value, window: window.value });
    if (regionId && groupBy.value === 'region') p.set('regionId', regionId);
    return p;
  };
  const seriesQuery = () => {
    const p = new URLSearchParams({ groupBy: groupBy.value, window: trend.value });
    if (regionId && groupBy.value === 'region') p.set('regionId', regionId);
    return p;
  };

  const drawRates = (report: RateReport) => {
    const t = report.total;
    clear(headline);
    headline.append(
      el('div', { class: 'big', 'data-total-rate': t.rate === null ? '' : t.rate.toFixed(4) }, percent(t.rate)),
      el(
        'div',
        {},
        el('div', {}, `${window.value === 'now' ? 'online now' : 'online, time-weighted'} · ${t.cameras} approved cameras`),
        el('div', { class: 'muted', 'data-counts': true }, `${t.counts.online} online · ${t.counts.degraded} degraded · ${t.counts.offline} offline · ${t.counts.unknown} unknown · ${t.counts.maintenance} maintenance`),
        t.coverage !== null ? el('div', { class: 'muted' }, `state known for ${percent(t.coverage)} of the time`) : null,
      ),
    );
    clear(groupsBody);
    for (const g of report.groups) {
      const label = groupBy.value === 'region' && !g.label.endsWith('(directly)') ? el('button', { type: 'button', class: 'link', title: 'Drill down' }, g.label) : g.label;
      if (label instanceof HTMLButtonElement)
        label.addEventListener('click', () => {
          regionId = g.key;
          crumbs.textContent = `inside ${g.label} · `;
          crumbs.append(up);
          void refresh();
        });
      groupsBody.append(
        el(
          'tr',
          { 'data-group': g.key, 'data-rate': g.rate === null ? '' : g.rate.toFixed(4) },
          el('td', {}, label),
          el('td', {}, g.cameras),
          el('td', {}, g.counts.online),
          el('td', {}, g.counts.degraded),
          el('td', {}, g.counts.offline),
          el('td', {}, g.counts.unknown),
          el('td', {}, g.counts.maintenance),
          el('td', { class: 'num' }, percent(g.rate)),
          el('td', { class: 'muted' }, percent(g.coverage)),
        ),
      );
    }
    const data = { labels: report.groups.map((g) => g.label), datasets: [{ label: 'Online rate %', data: report.groups.map((g) => (g.rate === null ? null : g.rate * 100)), backgroundColor: '#4c9aff' }] };
    if (bars) {
      bars.data = data;
      bars.update('none');
    } else {
      bars = new Chart(barCanvas, { type: 'bar', data, options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } } });
    }
  };

  const drawSeries = (series: RateSeries) => {
    const labels = series.buckets.map((b) => (trend.value === '1h' || trend.value === '24h' ? new Date(b).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : new Date(b).toLocaleDateString()));
    const pct = (r: Array<number | null>) => r.map((v) => (v === null ? null : v * 100));
    const datasets = [
      { label: 'All cameras', data: pct(series.total.rates), borderColor: '#e6e9ee', backgroundColor: '#e6e9ee', borderWidth: 3, spanGaps: true },
      ...series.groups.slice(0, MAX_LINES).map((g, i) => ({ label: g.label, data: pct(g.rates), borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], borderWidth: 1.5, spanGaps: true })),
    ];
    if (lines) {
      lines.data = { labels, datasets };
      lines.update('none');
    } else {
      lines = new Chart(lineCanvas, { type: 'line', data: { labels, datasets }, options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } }, elements: { point: { radius: 2 } } } });
    }
  };

  const problemState = select('Problem state', [['', 'Offline and degraded'], ['offline', 'Offline'], ['degraded', 'Degraded']]);
  const problems = pagedTable<Problem>({
    name: 'problems',
    csvName: 'vigil-problems.csv',
    empty: 'No camera is offline or degraded',
    pageSize: 20,
    fetch: (limit, offset) => {
      const p = new URLSearchParams({ limit: String(limit), offset: String(offset) });
      if (problemState.value) p.set('state', problemState.value);
      return api<Page<Problem>>('GET', `/api/health/problems?${p.toString()}`);
    },
    rowAttributes: (p) => ({ 'data-camera-id': p.cameraId, 'data-state': p.state }),
    onRowClick: (p) => openCamera(p.cameraId),
    columns: [
      { title: 'Camera', cell: (p) => p.name },
      { title: 'Organisation', cell: (p) => p.organisationName },
      { title: 'Tier', cell: (p) => el('span', { class: `tier tier-${p.tier}` }, p.tier), csv: (p) => p.tier },
      { title: 'State', cell: (p) => el('span', { class: `state state-${p.state}` }, p.state), csv: (p) => p.state },
      { title: 'Reason', cell: (p) => (p.flapping ? `${p.reason} (flapping)` : p.reason) },
      { title: 'Since', cell: (p) => when(p.since), csv: (p) => p.since },
      { title: 'For', cell: (p) => duration(p.ageSeconds), csv: (p) => p.ageSeconds },
    ],
  });
  problemState.addEventListener('change', () => void problems.reload(true));

  const tickets = pagedTable<Ticket>({
    name: 'tickets',
    csvName: 'vigil-open-tickets.csv',
    empty: 'No open repair tickets',
    pageSize: 20,
    fetch: (limit, offset) => api<Page<Ticket>>('GET', `/api/tickets?state=open&limit=${limit}&offset=${offset}`),
    rowAttributes: (t) => ({ 'data-ticket-id': t.id }),
    onRowClick: (t) => openCamera(t.cameraId),
    columns: [
      { title: 'Camera', cell: (t) => t.cameraName },
      { title: 'Organisation', cell: (t) => t.organisationName },
      { title: 'Tier', cell: (t) => el('span', { class: `tier tier-${t.tier}` }, t.tier), csv: (t) => t.tier },
      { title: 'Reason', cell: (t) => t.reason },
      { title: 'Down since', cell: (t) => when(t.downSince), csv: (t) => t.downSince },
      { title: 'Down for', cell: (t) => duration(t.downSeconds), csv: (t) => t.downSeconds },
    ],
  });

  const statsBody = el('tbody');
  let statsRows: TicketStats['groups'] = [];
  const drawStats = (stats: TicketStats) => {
    statsRows = stats.groups;
    clear(statsBody);
    for (const g of stats.groups) {
      statsBody.append(el('tr', { 'data-org': g.key }, el('td', {}, g.label), el('td', {}, g.opened), el('td', {}, g.closed), el('td', {}, g.open), el('td', {}, duration(g.meanSeconds)), el('td', {}, duration(g.medianSeconds)), el('td', {}, duration(g.p90Seconds))));
    }
    if (stats.groups.length === 0) statsBody.append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No tickets in the last 30 days')));
  };

  const refresh = async () => {
    try {
      const [report, series, stats] = await Promise.all([
        api<RateReport>('GET', `/api/online-rate?${rateQuery().toString()}`),
        api<RateSeries>('GET', `/api/online-rate/series?${seriesQuery().toString()}`),
        api<TicketStats>('GET', '/api/tickets/stats?groupBy=organisation&days=30'),
      ]);
      message.textContent = '';
      drawRates(report);
      drawSeries(series);
      drawStats(stats);
      await Promise.all([problems.reload(), tickets.reload()]);
      element.dataset.loaded = 'true';
    } catch (err) {
      message.textContent = humanMessage(err);
    }
  };

  const up = el('button', { type: 'button', class: 'link' }, 'back to the top');
  up.addEventListener('click', () => {
    regionId = null;
    clear(crumbs);
    void refresh();
  });
  for (const control of [groupBy, window, trend]) control.addEventListener('change', () => void refresh());
  groupBy.addEventListener('change', () => {
    regionId = null;
    clear(crumbs);
  });
  const exportRates = el('button', { type: 'button', class: 'secondary', 'data-csv': 'rates' }, 'Export CSV');
  exportRates.addEventListener('click', () => void downloadFrom(`/api/online-rate?${rateQuery().toString()}&format=csv`, `vigil-online-rate-${groupBy.value}-${window.value}.csv`).catch((e: unknown) => (message.textContent = humanMessage(e))));
  const exportSeries = el('button', { type: 'button', class: 'secondary', 'data-csv': 'series' }, 'Export CSV');
  exportSeries.addEventListener('click', () => void downloadFrom(`/api/online-rate/series?${seriesQuery().toString()}&format=csv`, `vigil-online-rate-trend-${groupBy.value}-${trend.value}.csv`).catch((e: unknown) => (message.textContent = humanMessage(e))));
  const exportStats = el('button', { type: 'button', class: 'secondary', 'data-csv': 'repair' }, 'Export CSV');
  exportStats.addEventListener('click', () => {
    downloadCsv('vigil-time-to-repair.csv', ['organisation', 'opened', 'closed', 'open', 'mean_seconds', 'median_seconds', 'p90_seconds'], statsRows.map((g) => [g.label, g.opened, g.closed, g.open, g.meanSeconds, g.medianSeconds, g.p90Seconds]));
  });

  const element = el(
    'main',
    { class: 'page wide', 'data-view': 'dashboard' },
    el('div', { class: 'row spread' }, el('h2', {}, 'Online rate'), el('div', { class: 'row' }, field('Group by', groupBy), field('Window', window), crumbs)),
    message,
    headline,
    el(
      'div',
      { class: 'grid2' },
      el('section', { class: 'panel' }, el('div', { class: 'chart' }, barCanvas)),
      el('section', { class: 'panel' }, el('div', { class: 'row spread' }, trend, exportSeries), el('div', { class: 'chart' }, lineCanvas)),
    ),
    el(
      'section',
      { class: 'panel' },
      el('table', { class: 'list', 'data-table': 'rates' }, el('thead', {}, el('tr', {}, ...['Group', 'Cameras', 'Online', 'Degraded', 'Offline', 'Unknown', 'Maintenance', 'Rate', 'Coverage'].map((h) => el('th', {}, h)))), groupsBody),
      el('div', { class: 'row' }, exportRates),
    ),
    el('section', { class: 'panel' }, el('div', { class: 'row spread' }, el('h3', {}, 'Offline and degraded cameras'), problemState), problems.element),
    el('section', { class: 'panel' }, el('h3', {}, 'Open repair tickets'), tickets.element),
    el(
      'section',
      { class: 'panel' },
      el('h3', {}, 'Time to repair by organisation (last 30 days)'),
      el('table', { class: 'list', 'data-table': 'repair' }, el('thead', {}, el('tr', {}, ...['Organisation', 'Opened', 'Repaired', 'Open', 'Mean', 'Median', '90th pct'].map((h) => el('th', {}, h)))), statsBody),
      el('div', { class: 'row' }, exportStats),
    ),
  );
  void refresh();
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  return {
    element,
    stop: () => {
      clearInterval(timer);
      bars?.destroy();
      lines?.destroy();
    },
  };
}
