import type { OwnerType } from '../domain/catalog.js';
import type { Clock } from '../domain/clock.js';
import type { Page, PageRequest } from '../domain/paging.js';
import { repairFigures, type RepairFigures } from '../domain/repair-ticket.js';
import type { HealthRepository } from '../storage/repositories/health.repository.js';
import type { Actor } from './actor.js';

export const TICKET_GROUPINGS = ['organisation', 'ownerType'] as const;
export type TicketGrouping = (typeof TICKET_GROUPINGS)[number];

export interface Ticket {
  readonly id: string;
  readonly cameraId: string;
  readonly cameraName: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly ownerType: OwnerType;
  readonly tier: string;
  readonly state: string;
  readonly reason: string;
  readonly downSince: string;
  readonly openedAt: string;
  readonly closedAt: string | null;
  /** Down time so far (open) or until repaired (closed), in seconds. */
  readonly downSeconds: number;
}

export interface TicketStatsGroup extends RepairFigures {
  readonly key: string;
  readonly label: string;
}

/**
 * Repair tickets as technicians and owners see them: the list, and time to repair (from the
 * moment the camera went down to its recovery) per organisation or owner type.
 */
export class TicketService {
  constructor(
    private readonly deps: {
      readonly health: HealthRepository;
      readonly clock: Clock;
    },
  ) {}

  async list(filter: { state?: 'open' | 'closed' | undefined; cameraId?: string | undefined }, page: PageRequest, actor: Actor): Promise<Page<Ticket>> {
    const now = this.deps.clock.now().getTime();
    const { items, total } = await this.deps.health.tickets(actor.scope, filter, page.limit, page.offset);
    return {
      items: items.map((t) => ({ ...t, downSeconds: Math.round(((t.closedAt ? Date.parse(t.closedAt) : now) - Date.parse(t.downSince)) / 1000) })),
      total,
      limit: page.limit,
      offset: page.offset,
    };
  }

  /** Tickets opened in the last `days` (and all still open), grouped. */
  async stats(groupBy: TicketGrouping, days: number, actor: Actor): Promise<{ groupBy: TicketGrouping; since: string; groups: TicketStatsGroup[] }> {
    const since = new Date(this.deps.clock.now().getTime() - days * 86_400_000).toISOString();
    const rows = await this.deps.health.ticketsForStats(actor.scope, since);
    const groups = new Map<string, { label: string; repairMs: number[]; open: number }>();
    for (const row of rows) {
      const key = groupBy === 'organisation' ? row.organisationId : row.ownerType;
      const label = groupBy === 'organisation' ? row.organisationName : row.ownerType;
      const group = groups.get(key) ?? { label, repairMs: [], open: 0 };
      if (row.closedAt) group.repairMs.push(Date.parse(row.closedAt) - Date.parse(row.downSince));
      else group.open += 1;
      groups.set(key, group);
    }
    return {
      groupBy,
      since,
      groups: [...groups.entries()].map(([key, g]) => ({ key, label: g.label, ...repairFigures(g.repairMs, g.open) })).sort((a, b) => a.label.localeCompare(b.label)),
    };
  }
}
