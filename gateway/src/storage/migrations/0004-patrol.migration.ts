import type { Migration } from './migration.js';

/**
 * Patrol plans: a wall layout, a dwell time and the rule for choosing cameras (tiers with their
 * weights, regions, organisations). Shared by every operator. Lists are stored as JSON text.
 */
export const patrolMigration: Migration = {
  name: '0004-patrol',
  async up(db) {
    await db.schema
      .createTable('patrol_plans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull().unique())
      .addColumn('layout', 'integer', (c) => c.notNull())
      .addColumn('dwell_seconds', 'integer', (c) => c.notNull())
      .addColumn('weights', 'text', (c) => c.notNull())
      .addColumn('region_ids', 'text', (c) => c.notNull())
      .addColumn('organisation_ids', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
