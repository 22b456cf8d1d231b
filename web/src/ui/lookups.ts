import { api, type Page } from '../api';
import { el } from '../dom';

export interface Organisation {
  id: string;
  name: string;
  ownerType: 'government' | 'business' | 'residential';
  regionId: string | null;
}

export interface RegionNode {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  adminCode: string | null;
  children: RegionNode[];
}

export interface RegionOption {
  id: string;
  name: string;
  /** The name indented under its parent (non-breaking spaces: a <select> keeps them). */
  indented: string;
  depth: number;
  kind: string;
}

let organisations: Promise<Organisation[]> | null = null;
let regions: Promise<RegionNode[]> | null = null;

/** Organisations the user can see (for filters and pickers); one request per page load. */
export function organisationList(): Promise<Organisation[]> {
  organisations ??= api<Page<Organisation>>('GET', '/api/organisations?limit=500').then((p) => p.items).catch((err: unknown) => {
    organisations = null;
    throw err;
  });
  return organisations;
}

export function regionTree(): Promise<RegionNode[]> {
  regions ??= api<{ items: RegionNode[] }>('GET', '/api/regions/tree').then((r) => r.items).catch((err: unknown) => {
    regions = null;
    throw err;
  });
  return regions;
}

/** The tree flattened in order, each region indented under its parent. */
export async function regionOptions(): Promise<RegionOption[]> {
  const out: RegionOption[] = [];
  const walk = (nodes: RegionNode[], depth: number) => {
    for (const n of nodes) {
      out.push({ id: n.id, name: n.name, indented: `${'\u00a0\u00a0'.repeat(depth)}${n.name}`, depth, kind: n.kind });
      walk(n.children, depth + 1);
    }
  };
  walk(await regionTree(), 0);
  return out;
}

/** After an edit of organisations or regions. */
export function forgetLookups(): void {
  organisations = null;
  regions = null;
}

/**
 * Fills organisation and region pickers (after their first, "any" option) and name maps for
 * tables; resolves once done, so a table's first page can wait and never show bare ids.
 */
export async function fillPickers(p: { organisations?: HTMLSelectElement[]; regions?: HTMLSelectElement[]; organisationNames?: Map<string, string>; regionNames?: Map<string, string> }): Promise<void> {
  const [orgs, regions] = await Promise.all([organisationList(), regionOptions()]);
  for (const o of orgs) p.organisationNames?.set(o.id, o.name);
  for (const r of regions) p.regionNames?.set(r.id, r.name);
  for (const select of p.organisations ?? []) select.append(...orgs.map((o) => el('option', { value: o.id }, o.name)));
  for (const select of p.regions ?? []) select.append(...regions.map((r) => el('option', { value: r.id }, r.indented)));
}
