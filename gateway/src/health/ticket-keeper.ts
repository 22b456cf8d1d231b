import { randomUUID } from 'node:crypto';
import type { HealthRecord } from '../domain/health-state.js';
import { ticketAction } from '../domain/repair-ticket.js';
import type { Tier } from '../domain/tier.js';
import type { Logger } from '../logging/logger.js';
import type { HealthRepository, MonitoredCamera } from '../storage/repositories/health.repository.js';
import type { RepairTicketRow } from '../storage/schema.js';

export interface TicketEvents {
  onOpened(ticket: RepairTicketRow, ownerType: string): void;
}

/**
 * Opens a repair ticket for a camera's organisation when the camera has been offline or degraded
 * longer than its tier's threshold, and closes it when the camera is back online. Keeps the open
 * tickets in memory (one per camera at most); writes go out with the monitor's flush.
 */
export class TicketKeeper {
  readonly #open = new Map<string, RepairTicketRow>();
  readonly #toInsert: RepairTicketRow[] = [];
  readonly #toClose: Array<{ id: string; at: string }> = [];

  constructor(
    private readonly health: HealthRepository,
    private readonly thresholdMs: Readonly<Record<Tier, number>>,
    private readonly logger: Logger,
    private readonly events: TicketEvents,
  ) {}

  async load(): Promise<void> {
    this.#open.clear();
    for (const ticket of await this.health.openTickets()) this.#open.set(ticket.camera_id, ticket);
  }

  consider(camera: MonitoredCamera, tier: Tier, record: HealthRecord, now: number): void {
    const open = this.#open.get(camera.id);
    const action = ticketAction(record.state, record.since, open !== undefined, this.thresholdMs[tier], now);
    switch (action) {
      case 'open': {
        const ticket: RepairTicketRow = {
          id: randomUUID(),
          camera_id: camera.id,
          organisation_id: camera.organisationId,
          tier,
          state: record.state,
          reason: record.reason,
          down_since: new Date(record.since).toISOString(),
          opened_at: new Date(now).toISOString(),
          closed_at: null,
        };
        this.#open.set(camera.id, ticket);
        this.#toInsert.push(ticket);
        this.logger.info({ camera: camera.id, ticket: ticket.id, reason: ticket.reason }, 'repair ticket opened');
        this.events.onOpened(ticket, camera.ownerType);
        return;
      }
      case 'close': {
        const at = new Date(now).toISOString();
        this.#open.delete(camera.id);
        this.#toClose.push({ id: open!.id, at });
        this.logger.info({ camera: camera.id, ticket: open!.id }, 'repair ticket closed');
        return;
      }
      case 'none':
        return;
    }
  }

  openFor(cameraId: string): RepairTicketRow | undefined {
    return this.#open.get(cameraId);
  }

  async flush(): Promise<void> {
    try {
      for (const ticket of this.#toInsert.splice(0)) await this.health.insertTicket(ticket);
      for (const close of this.#toClose.splice(0)) await this.health.closeTicket(close.id, close.at);
    } catch (err) {
      // A camera deleted between the check and the write: its ticket goes with it.
      this.logger.warn({ err }, 'could not store a repair ticket change');
    }
  }
}
