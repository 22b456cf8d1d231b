import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import type { Role } from '../domain/roles.js';
import { sha256Hex } from '../security/digest.js';
import { DUMMY_HASH_PROMISE, randomSecret, verifyPassword } from '../security/password-hasher.js';
import type { SessionRepository } from '../storage/repositories/session.repository.js';
import type { UserRecord, UserRepository } from '../storage/repositories/user.repository.js';
import type { Database } from '../storage/schema.js';
import type { Actor } from './actor.js';
import type { AuditService } from './audit.service.js';
import type { LoginThrottle } from './login-throttle.service.js';
import { scopeOf } from './scope.resolver.js';

/** An authenticated caller: the actor plus how they proved who they are. */
export interface Principal extends Actor {
  readonly role: Role;
  readonly via: 'cookie' | 'token';
  /** Cookie sessions only: the value state-changing requests must echo in X-CSRF-Token. */
  readonly csrfToken: string | null;
  readonly mustChangePassword: boolean;
  readonly sessionHash: string | null;
  readonly tokenId: string | null;
}

export interface LoginResult {
  readonly sessionToken: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
  readonly principal: Principal;
}

/** Logins, logouts, sessions and API tokens. Secrets are stored only as SHA-256 hashes. */
export class AuthService {
  constructor(
    private readonly deps: {
      readonly db: Kysely<Database>;
      readonly users: UserRepository;
      readonly sessions: SessionRepository;
      readonly audit: AuditService;
      readonly throttle: LoginThrottle;
      readonly clock: Clock;
      readonly sessionTtlMs: number;
    },
  ) {}

  async login(username: string, password: string, clientIp: string): Promise<LoginResult> {
    const verdict = this.deps.throttle.check(clientIp, username);
    if (!verdict.allowed) {
      await this.#audit({ id: 'anonymous', username }, 'login.throttled', { clientIp });
      throw new VigilError('LOGIN_THROTTLED', 'too many failed logins; try again later', { retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000) });
    }
    const user = await this.deps.users.findByUsername(username);
    // Check a dummy hash for unknown users so the answer takes as long either way.
    const ok = await verifyPassword(password, user?.row.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok || user.row.disabled) {
      this.deps.throttle.failed(clientIp, username);
      await this.#audit({ id: user?.row.id ?? 'anonymous', username }, 'login.failed', { clientIp, reason: !user ? 'unknown user' : !ok ? 'wrong password' : 'disabled' });
      throw new VigilError('INVALID_CREDENTIALS', 'wrong username or password');
    }
    this.deps.throttle.succeeded(clientIp, username);
    const sessionToken = randomSecret();
    const csrfToken = randomSecret();
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.sessionTtlMs).toISOString();
    const sessionHash = sha256Hex(sessionToken);
    await this.deps.sessions.createSession({ idHash: sessionHash, userId: user.row.id, csrfToken, clientIp, createdAt: now.toISOString(), expiresAt });
    await this.#audit({ id: user.row.id, username }, 'login.succeeded', { clientIp });
    const principal = await this.#principal(user, { via: 'cookie', csrfToken, sessionHash, tokenId: null });
    return { sessionToken, csrfToken, expiresAt, principal };
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.sessionHash) await this.deps.sessions.deleteSession(principal.sessionHash);
    await this.#audit(principal, 'logout', {});
  }

  /** The principal behind a session cookie, or null when it is unknown or expired. */
  async fromSession(sessionToken: string): Promise<Principal | null> {
    const sessionHash = sha256Hex(sessionToken);
    const session = await this.deps.sessions.findSession(sessionHash, this.deps.clock.now().toISOString());
    if (!session) return null;
    const user = await this.deps.users.findById(session.user_id);
    if (!user || user.row.disabled) return null;
    return this.#principal(user, { via: 'cookie', csrfToken: session.csrf_token, sessionHash, tokenId: null });
  }

  /** The principal behind an API token, or null when it is unknown or revoked. */
  async fromToken(token: string): Promise<Principal | null> {
    const row = await this.deps.sessions.findActiveToken(sha256Hex(token));
    if (!row) return null;
    const user = await this.deps.users.findById(row.user_id);
    if (!user || user.row.disabled) return null;
    await this.deps.sessions.touchToken(row.id, this.deps.clock.now().toISOString());
    return this.#principal(user, { via: 'token', csrfToken: null, sessionHash: null, tokenId: row.id });
  }

  /** Creates an API token; the plaintext is returned this once and never again. */
  async createToken(principal: Principal, name: string): Promise<{ id: string; name: string; token: string; createdAt: string }> {
    const id = randomUUID();
    // The prefix lets secret scanners and people recognise a Vigil token.
    const token = `vgl_${randomSecret()}`;
    const createdAt = this.deps.clock.now().toISOString();
    await this.deps.sessions.createToken({ id, userId: principal.id, name, tokenHash: sha256Hex(token), createdAt });
    await this.#audit(principal, 'token.created', { tokenId: id, name });
    return { id, name, token, createdAt };
  }

  async listTokens(principal: Principal): Promise<Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }>> {
    const rows = await this.deps.sessions.tokensOf(principal.id);
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
  }

  /** Revokes one of the caller's tokens (an admin may revoke anyone's). */
  async revokeToken(principal: Principal, tokenId: string): Promise<void> {
    const row = await this.deps.sessions.findToken(tokenId);
    if (!row || (row.user_id !== principal.id && principal.role !== 'admin')) throw new VigilError('TOKEN_NOT_FOUND', `token ${tokenId} does not exist`);
    await this.deps.sessions.revokeToken(tokenId, this.deps.clock.now().toISOString());
    await this.#audit(principal, 'token.revoked', { tokenId });
  }

  async #principal(user: UserRecord, how: Pick<Principal, 'via' | 'csrfToken' | 'sessionHash' | 'tokenId'>): Promise<Principal> {
    return {
      id: user.row.id,
      username: user.row.username,
      role: user.row.role,
      scope: await scopeOf(user, this.deps.db),
      mustChangePassword: user.row.must_change_password === 1,
      ...how,
    };
  }

  #audit(who: { id: string; username: string }, action: string, details: Record<string, unknown>): Promise<void> {
    return this.deps.db.transaction().execute((trx) =>
      this.deps.audit.record(trx, { id: who.id, username: who.username, role: 'system', scope: { all: false, organisationIds: [], regionPaths: [] } }, action, { type: 'user', id: who.id === 'anonymous' ? null : who.id }, details),
    );
  }
}
