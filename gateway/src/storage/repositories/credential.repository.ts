import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/** Sealed camera credentials; this repository never sees plaintext. */
export class CredentialRepository {
  constructor(private readonly db: Db) {}

  async upsert(cameraId: string, sealed: string, at: string, db: Db = this.db): Promise<void> {
    await db
      .insertInto('camera_credentials')
      .values({ camera_id: cameraId, sealed, updated_at: at })
      .onConflict((oc) => oc.column('camera_id').doUpdateSet({ sealed, updated_at: at }))
      .execute();
  }

  async find(cameraId: string, db: Db = this.db): Promise<string | undefined> {
    const row = await db.selectFrom('camera_credentials').select('sealed').where('camera_id', '=', cameraId).executeTakeFirst();
    return row?.sealed;
  }

  async delete(cameraId: string, db: Db = this.db): Promise<boolean> {
    const result = await db.deleteFrom('camera_credentials').where('camera_id', '=', cameraId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
