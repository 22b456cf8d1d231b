import { api, humanMessage } from '../../api';
import { clear, el } from '../../dom';
import { field, input, listOf, select } from '../../ui/form';
import { fillPickers } from '../../ui/lookups';

interface Candidate {
  id: string;
  address: string;
  deviceUrl: string;
  scopeName: string | null;
  scopeLocation: string | null;
  status: 'pending' | 'ok' | 'failed';
  reason: string | null;
  message: string | null;
  manufacturer: string | null;
  model: string | null;
  serialNumber: string | null;
  profiles: Array<{ kind: string; url: string | null; codec: string | null; width: number | null; height: number | null }>;
  known: { cameraId: string | null; field: string } | null;
  adoptedCameraId: string | null;
}

interface Run {
  id: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  error: string | null;
  progress: { probed: number; total: number; found: number; interrogated: number; rejectedReplies: number };
  candidates: Candidate[];
}

type AdoptResult = { candidateId: string; status: 'adopted' | 'known'; cameraId: string | null } | { candidateId: string; status: 'failed'; code: string; message: string };

const POLL_MS = 500;

/**
 * ONVIF discovery from the browser: unicast probes to addresses or ranges (multicast on a named
 * interface), live progress, candidates with the ones already in the catalog marked, adopt one
 * or many into an organisation and region.
 */
export function discoveryPanel(): { element: HTMLElement; stop: () => void } {
  const targets = el('textarea', { name: 'targets', 'aria-label': 'Targets', rows: 3, placeholder: '192.168.1.0/24:3702, 10.0.0.7:3702' });
  const iface = input('Interfaces', { placeholder: 'eth1 (multicast; optional)' });
  const username = input('Device username', { autocomplete: 'off' });
  const password = input('Device password', { type: 'password', autocomplete: 'new-password' });
  const timeout = input('Wait for replies (s)', { type: 'number', min: 0.1, max: 30, step: 0.1, value: 3 });
  const start = el('button', { type: 'submit' }, 'Start discovery');
  const cancel = el('button', { type: 'button', class: 'secondary', hidden: true }, 'Cancel');
  const message = el('p', { class: 'error', role: 'alert' });
  const progress = el('div', { class: 'progress', 'data-progress': true });
  const bar = el('progress', { max: 1, value: 0 });
  const body = el('tbody');
  const organisation = select('Adopt into organisation', [['', 'Organisation…']]);
  const region = select('Adopt into region', [['', 'Region…']]);
  const tier = select('Adopt with tier', [['general', 'General'], ['attention', 'Attention'], ['key', 'Key']], 'general');
  const adopt = el('button', { type: 'button', 'data-action': 'adopt', disabled: true }, 'Adopt selected');
  const results = el('p', { class: 'notice', role: 'status' });
  let run: Run | null = null;
  let timer = 0;
  const selected = new Set<string>();

  void fillPickers({ organisations: [organisation], regions: [region] });

  const draw = () => {
    if (!run) return;
    const p = run.progress;
    bar.max = Math.max(1, p.total);
    bar.value = p.probed;
    progress.dataset.state = run.state;
    progress.replaceChildren(bar, ` ${run.state} · probed ${p.probed} of ${p.total} · ${p.found} found · ${p.interrogated} interrogated`, p.rejectedReplies ? ` · ${p.rejectedReplies} replies refused` : '', run.error ? el('span', { class: 'error' }, ` ${run.error}`) : '');
    clear(body);
    for (const c of run.candidates) {
      const adoptable = c.status === 'ok' && !c.known && !c.adoptedCameraId;
      const box = el('input', { type: 'checkbox', 'aria-label': `Select ${c.address}`, disabled: !adoptable, checked: selected.has(c.id) });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(c.id);
        else selected.delete(c.id);
        adopt.disabled = selected.size === 0;
      });
      const status = c.adoptedCameraId
        ? el('a', { href: `#/cameras/${c.adoptedCameraId}` }, 'adopted')
        : c.known
          ? el('span', { class: 'known', title: `same ${c.known.field}` }, c.known.cameraId ? el('a', { href: `#/cameras/${c.known.cameraId}` }, 'already in catalog') : 'already in catalog (another organisation)')
          : c.status === 'failed'
            ? el('span', { class: 'error' }, c.reason ?? 'failed')
            : c.status;
      body.append(
        el(
          'tr',
          { 'data-candidate': c.address, 'data-known': c.known ? 'true' : 'false' },
          el('td', {}, box),
          el('td', {}, c.address),
          el('td', {}, [c.manufacturer, c.model].filter(Boolean).join(' ') || c.scopeName || ''),
          el('td', {}, c.scopeLocation ?? ''),
          el('td', {}, c.profiles.map((p) => `${p.kind} ${p.codec ?? ''} ${p.width ? `${p.width}×${p.height}` : ''}`.trim()).join(', ')),
          el('td', {}, status),
        ),
      );
    }
    if (run.candidates.length === 0) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, run.state === 'running' ? 'Listening for replies…' : 'No device answered')));
  };

  const poll = async () => {
    if (!run) return;
    try {
      run = await api<Run>('GET', `/api/discovery/runs/${run.id}`);
      draw();
      if (run.state === 'running' || run.candidates.some((c) => c.status === 'pending')) timer = window.setTimeout(() => void poll(), POLL_MS);
      else {
        start.disabled = false;
        cancel.hidden = true;
      }
    } catch (err) {
      message.textContent = humanMessage(err);
    }
  };

  const form = el(
    'form',
    { class: 'form', novalidate: true, 'data-form': 'discovery' },
    field('Targets', targets, '"address:port" or "a.b.c.d/prefix:port" (WS-Discovery listens on 3702), separated by commas or lines'),
    field('Multicast on interfaces', iface),
    el('div', { class: 'row' }, field('Device username', username), field('Device password', password), field('Wait for replies (s)', timeout)),
    el('div', { class: 'row' }, start, cancel),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    message.textContent = '';
    const list = listOf(targets.value);
    const interfaces = listOf(iface.value);
    const seconds = Number(timeout.value);
    if (list.length === 0 && interfaces.length === 0) return void (message.textContent = 'Give at least one target or interface.');
    if (list.length > 256) return void (message.textContent = 'At most 256 targets per run.');
    if (!(seconds >= 0.1 && seconds <= 30)) return void (message.textContent = 'Wait between 0.1 and 30 seconds.');
    if (password.value && !username.value.trim()) return void (message.textContent = 'A password needs a username.');
    const credentials = username.value.trim() ? { username: username.value.trim(), password: password.value } : null;
    start.disabled = true;
    selected.clear();
    results.textContent = '';
    void api<{ id: string }>('POST', '/api/discovery/runs', { targets: list, interfaces, timeoutMs: Math.round(seconds * 1000), credentials })
      .then(({ id }) => {
        run = { id, state: 'running', error: null, progress: { probed: 0, total: 0, found: 0, interrogated: 0, rejectedReplies: 0 }, candidates: [] };
        cancel.hidden = false;
        draw();
        return poll();
      })
      .catch((err: unknown) => {
        start.disabled = false;
        message.textContent = humanMessage(err);
      });
  });
  cancel.addEventListener('click', () => {
    if (run) void api('POST', `/api/discovery/runs/${run.id}/cancel`).then(() => poll());
  });
  adopt.addEventListener('click', () => {
    message.textContent = '';
    if (!run) return;
    if (!organisation.value || !region.value) return void (message.textContent = 'Choose the organisation and region the cameras belong to.');
    const items = [...selected].map((candidateId) => ({ candidateId, organisationId: organisation.value, regionId: region.value, tier: tier.value }));
    adopt.disabled = true;
    void api<{ results: AdoptResult[] }>('POST', `/api/discovery/runs/${run.id}/adopt`, { candidates: items })
      .then(({ results: r }) => {
        const count = (s: string) => r.filter((x) => x.status === s).length;
        const failed = r.filter((x): x is Extract<AdoptResult, { status: 'failed' }> => x.status === 'failed');
        results.textContent = `${count('adopted')} adopted (pending review), ${count('known')} already known, ${failed.length} failed${failed.length ? `: ${failed.map((f) => `${f.code}`).join(', ')}` : ''}.`;
        selected.clear();
        return poll();
      })
      .catch((err: unknown) => (message.textContent = humanMessage(err)))
      .finally(() => (adopt.disabled = selected.size === 0));
  });

  const element = el(
    'section',
    { class: 'panel', 'data-panel': 'discovery' },
    el('h3', {}, 'ONVIF discovery'),
    form,
    message,
    progress,
    el('table', { class: 'list', 'data-table': 'candidates' }, el('thead', {}, el('tr', {}, ...['', 'Address', 'Device', 'Location', 'Streams', 'Status'].map((h) => el('th', {}, h)))), body),
    el('div', { class: 'row' }, field('Organisation', organisation), field('Region', region), field('Tier', tier), adopt),
    results,
  );
  return { element, stop: () => window.clearTimeout(timer) };
}
