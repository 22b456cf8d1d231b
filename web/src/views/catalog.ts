import { api, humanMessage, type Page, type Tier } from '../api';
import { clear, el } from '../dom';

interface CameraItem {
  id: string;
  name: string;
  nationalCode: string | null;
  effectiveTier: Tier;
  lifecycle: string;
  organisationId: string;
  address: string | null;
}

const PAGE = 50;

/** The camera catalog, paged and filtered on the server (fine with 20,000 cameras). */
export function catalogView(): HTMLElement {
  const q = el('input', { type: 'search', placeholder: 'Name or address', 'aria-label': 'Search' });
  const tier = el('select', { 'aria-label': 'Tier' }, el('option', { value: '' }, 'Any tier'), ...['key', 'attention', 'general'].map((t) => el('option', { value: t }, t)));
  const lifecycle = el('select', { 'aria-label': 'Lifecycle' }, el('option', { value: '' }, 'Any status'), ...['pending', 'approved', 'rejected', 'suspended', 'retired'].map((t) => el('option', { value: t }, t)));
  const body = el('tbody');
  const info = el('span', { class: 'muted' });
  const prev = el('button', { type: 'button', class: 'secondary' }, '‹ Previous');
  const next = el('button', { type: 'button', class: 'secondary' }, 'Next ›');
  let offset = 0;
  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (q.value.trim()) params.set('q', q.value.trim());
    if (tier.value) params.set('tier', tier.value);
    if (lifecycle.value) params.set('lifecycle', lifecycle.value);
    try {
      const page = await api<Page<CameraItem>>('GET', `/api/cameras?${params.toString()}`);
      if (mine !== seq) return;
      clear(body);
      for (const c of page.items) {
        body.append(el('tr', { 'data-camera-id': c.id }, el('td', {}, c.name), el('td', {}, c.nationalCode ?? ''), el('td', {}, el('span', { class: `tier tier-${c.effectiveTier}` }, c.effectiveTier)), el('td', {}, c.lifecycle), el('td', {}, c.address ?? '')));
      }
      info.textContent = page.total === 0 ? 'No cameras' : `${offset + 1}–${offset + page.items.length} of ${page.total}`;
      prev.disabled = offset === 0;
      next.disabled = offset + page.items.length >= page.total;
    } catch (err) {
      info.textContent = humanMessage(err);
    }
  };
  const reset = () => {
    offset = 0;
    void load();
  };
  let debounce = 0;
  q.addEventListener('input', () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(reset, 250);
  });
  tier.addEventListener('change', reset);
  lifecycle.addEventListener('change', reset);
  prev.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    void load();
  });
  next.addEventListener('click', () => {
    offset += PAGE;
    void load();
  });
  void load();
  return el(
    'main',
    { class: 'page' },
    el('h2', {}, 'Camera catalog'),
    el('div', { class: 'row' }, q, tier, lifecycle, info),
    el('table', { class: 'list' }, el('thead', {}, el('tr', {}, ...['Name', 'National code', 'Tier', 'Status', 'Address'].map((h) => el('th', {}, h)))), body),
    el('div', { class: 'row' }, prev, next),
  );
}
