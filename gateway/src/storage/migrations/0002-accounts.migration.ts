import { sql } from 'kysely';
import { canonicalAuditText, GENESIS_HASH } from '../../domain/audit-record.js';
import { sha256Hex } from '../../security/digest.js';
import type { Migration } from './migration.js';

/**
 * Users with roles and scopes, login sessions, API tokens, and the hash chain over audit events
 * (with a head row kept apart, so records cut off the end are noticed too).
 */
export const accountsMigration: Migration = {
  name: '0002-accounts',
  async up(db) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text')
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('region_id', 'text', (c) => c.references('regions.id'))
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('user_organisations')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addPrimaryKeyConstraint('user_organisations_pk', ['user_id', 'organisation_id'])
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('client_ip', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();

    await db.schema.alterTable('audit_events').addColumn('prev_hash', 'text').execute();
    await db.schema.alterTable('audit_events').addColumn('hash', 'text').execute();
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('last_id', 'integer', (c) => c.notNull())
      .addColumn('last_hash', 'text', (c) => c.notNull())
      .execute();
    // Records written before the chain existed join it, in id order.
    const rows = (await db.selectFrom('audit_events').selectAll().orderBy('id').execute()) as Array<{
      id: number; at: string; actor: string; action: string; object_type: string; object_id: string | null; details: string | null;
    }>;
    let prev = GENESIS_HASH;
    for (const [i, r] of rows.entries()) {
      const id = i + 1;
      const hash = sha256Hex(canonicalAuditText(prev, { id, at: r.at, actor: r.actor, action: r.action, objectType: r.object_type, objectId: r.object_id, details: r.details }));
      await db.updateTable('audit_events').set({ id, prev_hash: prev, hash }).where('id', '=', r.id).execute();
      prev = hash;
    }
    await sql`insert into audit_head (id, last_id, last_hash) values (1, ${rows.length}, ${prev})`.execute(db);

    await db.schema
      .createTable('camera_views')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('camera_id', 'text', (c) => c.notNull())
      .addColumn('organisation_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .execute();
    await db.schema.createIndex('camera_views_org_idx').on('camera_views').columns(['organisation_id', 'started_at']).execute();
  },
};
