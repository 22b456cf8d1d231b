import type { Migration } from './migration.js';

/**
 * Who registered each camera (a user id; null for cameras from before this migration and for
 * Vigil's own), so an integrator's "my submissions" lists what they submitted, not everything
 * of their organisation.
 */
export const cameraSubmitterMigration: Migration = {
  name: '0005-camera-submitter',
  async up(db) {
    await db.schema.alterTable('cameras').addColumn('submitted_by', 'text').execute();
    await db.schema.createIndex('cameras_submitted_by').on('cameras').column('submitted_by').execute();
  },
};
