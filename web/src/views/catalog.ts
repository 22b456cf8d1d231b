import { api, type Page, type Tier } from '../api';
import { el } from '../dom';
import { field, input, onTyping, select } from '../ui/form';
import { fillPickers } from '../ui/lookups';
import { pagedTable } from '../ui/paged-table';

export interface CatalogCamera {
  id: string;
  name: string;
  nationalCode: string;
  effectiveTier: Tier;
  lifecycle: string;
  lifecycleReason: string | null;
  organisationId: string;
  regionId: string;
  address: string | null;
  createdAt: string;
  health: { state: string; reason: string; since: string } | null;
}

const OWNER_TYPES: ReadonlyArray<readonly [string, string]> = [['', 'Any owner'], ['government', 'Government'], ['business', 'Business'], ['residential', 'Residential']];
const TIERS: ReadonlyArray<readonly [string, string]> = [['', 'Any tier'], ['key', 'Key'], ['attention', 'Attention'], ['general', 'General']];
const LIFECYCLES: ReadonlyArray<readonly [string, string]> = [['', 'Any status'], ...['pending', 'approved', 'rejected', 'suspended', 'retired'].map((l) => [l, l] as const)];
const HEALTH: ReadonlyArray<readonly [string, string]> = [['', 'Any health'], ...['online', 'degraded', 'offline', 'unknown', 'maintenance'].map((h) => [h, h] as const)];

export function healthBadge(health: CatalogCamera['health']): HTMLElement {
  return health ? el('span', { class: `state state-${health.state}`, title: health.reason }, health.state) : el('span', { class: 'muted' }, 'not monitored');
}

/** The camera catalog: search and filters, paged on the server (as quick with 20,000 cameras as with 20). */
export function catalogView(openCamera: (id: string) => void): HTMLElement {
  const q = input('Search', { type: 'search', placeholder: 'Name or address' });
  const ownerType = select('Owner type', OWNER_TYPES);
  const organisation = select('Organisation', [['', 'Any organisation']]);
  const region = select('Region', [['', 'Any region']]);
  const tier = select('Tier', TIERS);
  const lifecycle = select('Lifecycle', LIFECYCLES);
  const health = select('Health', HEALTH);
  const orgNames = new Map<string, string>();
  const regionNames = new Map<string, string>();

  const table = pagedTable<CatalogCamera>({
    name: 'cameras',
    empty: 'No cameras match',
    fetch: (limit, offset) => {
      const p = new URLSearchParams({ limit: String(limit), offset: String(offset) });
      if (q.value.trim()) p.set('q', q.value.trim());
      for (const [key, control] of [['ownerType', ownerType], ['organisationId', organisation], ['regionId', region], ['tier', tier], ['lifecycle', lifecycle], ['health', health]] as const) {
        if (control.value) p.set(key, control.value);
      }
      return api<Page<CatalogCamera>>('GET', `/api/cameras?${p.toString()}`);
    },
    rowAttributes: (c) => ({ 'data-camera-id': c.id }),
    onRowClick: (c) => openCamera(c.id),
    columns: [
      { title: 'Name', cell: (c) => c.name },
      { title: 'National code', cell: (c) => c.nationalCode },
      { title: 'Tier', cell: (c) => el('span', { class: `tier tier-${c.effectiveTier}` }, c.effectiveTier) },
      { title: 'Organisation', cell: (c) => orgNames.get(c.organisationId) ?? '' },
      { title: 'Region', cell: (c) => regionNames.get(c.regionId) ?? '' },
      { title: 'Health', cell: (c) => healthBadge(c.health) },
      { title: 'Status', cell: (c) => (c.lifecycleReason && c.lifecycle !== 'approved' ? `${c.lifecycle}: ${c.lifecycleReason}` : c.lifecycle) },
    ],
  });

  // Names for the table and the pickers; the first page waits for them so rows never show ids.
  void fillPickers({ organisations: [organisation], regions: [region], organisationNames: orgNames, regionNames }).finally(() => void table.reload(true));
  onTyping(q, () => void table.reload(true));
  for (const control of [ownerType, organisation, region, tier, lifecycle, health]) control.addEventListener('change', () => void table.reload(true));

  return el(
    'main',
    { class: 'page wide', 'data-view': 'catalog' },
    el('h2', {}, 'Camera catalog'),
    el('div', { class: 'row filters' }, field('Search', q), field('Owner type', ownerType), field('Organisation', organisation), field('Region', region), field('Tier', tier), field('Lifecycle', lifecycle), field('Health', health)),
    table.element,
  );
}
