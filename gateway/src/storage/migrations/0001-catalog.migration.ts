import type { Migration } from './migration.js';

/** Organisations, the region tree, cameras with stream profiles, sealed credentials, audit events. */
export const catalogMigration: Migration = {
  name: '0001-catalog',
  async up(db, dialect) {
    await db.schema
      .createTable('regions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('regions.id'))
      .addColumn('admin_code', 'text', (c) => c.unique())
      .addColumn('path', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('regions_parent_idx').on('regions').column('parent_id').execute();

    await db.schema
      .createTable('organisations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull().unique())
      .addColumn('owner_type', 'text', (c) => c.notNull())
      .addColumn('industry_code', 'text')
      .addColumn('region_id', 'text', (c) => c.references('regions.id'))
      .addColumn('contact_name', 'text')
      .addColumn('contact_phone', 'text')
      .addColumn('contact_email', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('cameras')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('national_code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('manufacturer', 'text')
      .addColumn('model', 'text')
      .addColumn('serial_number', 'text')
      .addColumn('serial_key', 'text', (c) => c.unique())
      .addColumn('mac_address', 'text', (c) => c.unique())
      .addColumn('hardware_id', 'text')
      .addColumn('onvif_endpoint_ref', 'text', (c) => c.unique())
      .addColumn('onvif_address', 'text')
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('region_id', 'text', (c) => c.notNull().references('regions.id'))
      .addColumn('latitude', 'double precision')
      .addColumn('longitude', 'double precision')
      .addColumn('address', 'text')
      .addColumn('description', 'text')
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('tier_override', 'text')
      .addColumn('tier_override_expires_at', 'text')
      .addColumn('lifecycle', 'text', (c) => c.notNull())
      .addColumn('lifecycle_reason', 'text')
      .addColumn('lifecycle_changed_at', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    for (const column of ['organisation_id', 'region_id', 'lifecycle', 'tier', 'name']) {
      await db.schema.createIndex(`cameras_${column}_idx`).on('cameras').column(column).execute();
    }

    await db.schema
      .createTable('camera_stream_profiles')
      .addColumn('camera_id', 'text', (c) => c.notNull().references('cameras.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('scheme', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('port', 'integer')
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('query', 'text')
      .addColumn('address_key', 'text', (c) => c.notNull().unique())
      .addColumn('codec', 'text')
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('fps', 'double precision')
      .addColumn('bitrate_kbps', 'integer')
      .addPrimaryKeyConstraint('camera_stream_profiles_pk', ['camera_id', 'kind'])
      .execute();

    await db.schema
      .createTable('camera_credentials')
      .addColumn('camera_id', 'text', (c) => c.primaryKey().references('cameras.id').onDelete('cascade'))
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('object_type', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text')
      .addColumn('details', 'text')
      .execute();
    await db.schema.createIndex('audit_events_object_idx').on('audit_events').columns(['object_type', 'object_id']).execute();
  },
};
