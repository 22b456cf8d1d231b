import type { Migration } from './migration.js';

/**
 * Health: state transitions (the online rate is computed from them), maintenance windows and
 * repair tickets. A camera's streaks and recent probe results live in memory: after a restart
 * every camera starts `unknown` anyway (DESIGN.md §4).
 */
export const healthMigration: Migration = {
  name: '0003-health',
  async up(db) {
    await db.schema
      .createTable('health_transitions')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('camera_id', 'text', (c) => c.notNull().references('cameras.id').onDelete('cascade'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text', (c) => c.notNull())
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('health_transitions_camera_at_idx').on('health_transitions').columns(['camera_id', 'at']).execute();
    await db.schema.createIndex('health_transitions_at_idx').on('health_transitions').column('at').execute();

    await db.schema
      .createTable('maintenance_windows')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('camera_id', 'text', (c) => c.notNull().references('cameras.id').onDelete('cascade'))
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('maintenance_windows_camera_idx').on('maintenance_windows').columns(['camera_id', 'ends_at']).execute();

    await db.schema
      .createTable('repair_tickets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('camera_id', 'text', (c) => c.notNull().references('cameras.id').onDelete('cascade'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('down_since', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .execute();
    await db.schema.createIndex('repair_tickets_camera_idx').on('repair_tickets').columns(['camera_id', 'closed_at']).execute();
    await db.schema.createIndex('repair_tickets_org_idx').on('repair_tickets').columns(['organisation_id', 'opened_at']).execute();
  },
};
