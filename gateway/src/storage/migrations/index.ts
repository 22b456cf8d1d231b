import { catalogMigration } from './0001-catalog.migration.js';
import { accountsMigration } from './0002-accounts.migration.js';
import { healthMigration } from './0003-health.migration.js';
import { patrolMigration } from './0004-patrol.migration.js';
import { cameraSubmitterMigration } from './0005-camera-submitter.migration.js';
import type { Migration } from './migration.js';

/** Every migration, in the order it runs. Append only: never edit or reorder a released one. */
export const MIGRATIONS: readonly Migration[] = [catalogMigration, accountsMigration, healthMigration, patrolMigration, cameraSubmitterMigration];
