import type { Kysely } from 'kysely';
import type { ApiTokenRow, Database } from '../schema.js';

type Db = Kysely<Database>;

/** Login sessions and API tokens, stored only as hashes of the secrets the clients hold. */
export class SessionRepository {
  constructor(private readonly db: Db) {}

  async createSession(s: { idHash: string; userId: string; csrfToken: string; clientIp: string | null; createdAt: string; expiresAt: string }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, client_ip: s.clientIp, created_at: s.createdAt, expires_at: s.expiresAt })
      .execute();
  }

  findSession(idHash: string, nowIso: string): Promise<{ user_id: string; csrf_token: string } | undefined> {
    return this.db.selectFrom('sessions').select(['user_id', 'csrf_token']).where('id_hash', '=', idHash).where('expires_at', '>', nowIso).executeTakeFirst();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every session of a user (password or role changed, account disabled). */
  async deleteSessionsOf(userId: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async deleteExpired(nowIso: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', nowIso).execute();
  }

  async createToken(t: { id: string; userId: string; name: string; tokenHash: string; createdAt: string }): Promise<void> {
    await this.db.insertInto('api_tokens').values({ id: t.id, user_id: t.userId, name: t.name, token_hash: t.tokenHash, created_at: t.createdAt, last_used_at: null, revoked_at: null }).execute();
  }

  findActiveToken(tokenHash: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
  }

  async touchToken(id: string, nowIso: string): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: nowIso }).where('id', '=', id).execute();
  }

  tokensOf(userId: string): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
  }

  findToken(id: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async revokeToken(id: string, nowIso: string, db: Db = this.db): Promise<void> {
    await db.updateTable('api_tokens').set({ revoked_at: nowIso }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }
}
