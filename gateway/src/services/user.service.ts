import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { Page, PageRequest } from '../domain/paging.js';
import { VigilError } from '../domain/errors.js';
import { passwordProblem } from '../domain/password-policy.js';
import type { Role } from '../domain/roles.js';
import { hashPassword, randomSecret, verifyPassword } from '../security/password-hasher.js';
import { uniqueViolation } from '../storage/db-errors.js';
import type { SessionRepository } from '../storage/repositories/session.repository.js';
import type { UserRecord, UserRepository } from '../storage/repositories/user.repository.js';
import type { Database } from '../storage/schema.js';
import type { Actor } from './actor.js';
import type { AuditService } from './audit.service.js';

export interface UserInput {
  readonly username: string;
  readonly displayName?: string | null | undefined;
  readonly role: Role;
  readonly organisationIds?: readonly string[] | undefined;
  readonly regionId?: string | null | undefined;
  /** Omitted: Vigil makes a one-time password, returned once, to be changed at first login. */
  readonly password?: string | undefined;
}

export interface UserUpdateInput {
  readonly displayName?: string | null | undefined;
  readonly role?: Role | undefined;
  readonly organisationIds?: readonly string[] | undefined;
  readonly regionId?: string | null | undefined;
  readonly disabled?: boolean | undefined;
  /** Resets the password; the user must change it at next login. */
  readonly password?: string | undefined;
}

export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly organisationIds: readonly string[];
  readonly regionId: string | null;
  readonly mustChangePassword: boolean;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function userView(u: UserRecord): UserView {
  return {
    id: u.row.id,
    username: u.row.username,
    displayName: u.row.display_name,
    role: u.row.role,
    organisationIds: u.organisationIds,
    regionId: u.row.region_id,
    mustChangePassword: u.row.must_change_password === 1,
    disabled: u.row.disabled === 1,
    createdAt: u.row.created_at,
    updatedAt: u.row.updated_at,
  };
}

type Db = Kysely<Database>;

/** Accounts: created and changed by admins; every change is audited and ends the user's sessions. */
export class UserService {
  constructor(
    private readonly deps: { readonly db: Db; readonly users: UserRepository; readonly sessions: SessionRepository; readonly audit: AuditService; readonly clock: Clock },
  ) {}

  async list(filter: { q?: string | undefined; role?: Role | undefined }, page: PageRequest): Promise<Page<UserView>> {
    const result = await this.deps.users.page(filter, page);
    return { ...result, items: result.items.map(userView) };
  }

  async get(id: string): Promise<UserView> {
    const user = await this.deps.users.findById(id);
    if (!user) throw new VigilError('USER_NOT_FOUND', `user ${id} does not exist`);
    return userView(user);
  }

  /** Creates a user; `oneTimePassword` is set when Vigil made the password up. */
  async create(input: UserInput, actor: Actor, opts: { mustChangePassword?: boolean } = {}): Promise<{ user: UserView; oneTimePassword: string | null }> {
    const oneTimePassword = input.password === undefined ? randomSecret(12) : null;
    const password = input.password ?? oneTimePassword!;
    if (input.password !== undefined) this.#checkPassword(password, input.username);
    const id = randomUUID();
    const at = this.deps.clock.now().toISOString();
    const hash = await hashPassword(password);
    await this.#write(async (trx) => {
      await this.#checkScope(input.role, input.organisationIds ?? [], input.regionId ?? null, trx);
      await this.deps.users.insert(
        {
          id,
          username: input.username,
          display_name: input.displayName ?? null,
          password_hash: hash,
          role: input.role,
          region_id: input.regionId ?? null,
          must_change_password: oneTimePassword !== null || opts.mustChangePassword ? 1 : 0,
          disabled: 0,
          created_at: at,
          updated_at: at,
        },
        input.organisationIds ?? [],
        trx,
      );
      await this.deps.audit.record(trx, actor, 'user.created', { type: 'user', id }, { username: input.username, role: input.role, organisationIds: input.organisationIds ?? [], regionId: input.regionId ?? null });
    });
    return { user: await this.get(id), oneTimePassword };
  }

  async update(id: string, input: UserUpdateInput, actor: Actor): Promise<UserView> {
    const hash = input.password !== undefined ? await hashPassword(input.password) : undefined;
    await this.#write(async (trx) => {
      const current = await this.deps.users.findById(id, trx);
      if (!current) throw new VigilError('USER_NOT_FOUND', `user ${id} does not exist`);
      if (input.password !== undefined) this.#checkPassword(input.password, current.row.username);
      if (id === actor.id && (input.role !== undefined && input.role !== 'admin' || input.disabled === true)) {
        throw new VigilError('FORBIDDEN', 'admins cannot demote or disable themselves');
      }
      const role = input.role ?? current.row.role;
      const organisationIds = input.organisationIds ?? current.organisationIds;
      const regionId = input.regionId === undefined ? current.row.region_id : input.regionId;
      await this.#checkScope(role, organisationIds, regionId, trx);
      await this.deps.users.update(
        id,
        {
          ...(input.displayName !== undefined && { display_name: input.displayName }),
          ...(input.role !== undefined && { role: input.role }),
          ...(input.regionId !== undefined && { region_id: input.regionId }),
          ...(input.disabled !== undefined && { disabled: input.disabled ? 1 : 0 }),
          ...(hash !== undefined && { password_hash: hash, must_change_password: 1 }),
          updated_at: this.deps.clock.now().toISOString(),
        },
        trx,
      );
      if (input.organisationIds !== undefined) await this.deps.users.setOrganisations(id, input.organisationIds, trx);
      // Changed rights or a reset password take effect now, not at the next login.
      await this.deps.sessions.deleteSessionsOf(id, trx);
      const { password: _password, ...logged } = input;
      await this.deps.audit.record(trx, actor, input.role !== undefined && input.role !== current.row.role ? 'user.role.changed' : 'user.updated', { type: 'user', id }, {
        ...logged,
        ...(input.role !== undefined && { previousRole: current.row.role }),
        passwordReset: hash !== undefined,
      });
    });
    return this.get(id);
  }

  /** A user changes their own password, proving the current one. */
  async changeOwnPassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.deps.users.findById(actor.id);
    if (!user || !(await verifyPassword(currentPassword, user.row.password_hash))) {
      throw new VigilError('INVALID_CREDENTIALS', 'the current password is wrong');
    }
    this.#checkPassword(newPassword, user.row.username);
    if (await verifyPassword(newPassword, user.row.password_hash)) throw new VigilError('WEAK_PASSWORD', 'choose a password different from the current one');
    const hash = await hashPassword(newPassword);
    await this.deps.db.transaction().execute(async (trx) => {
      await this.deps.users.update(actor.id, { password_hash: hash, must_change_password: 0, updated_at: this.deps.clock.now().toISOString() }, trx);
      await this.deps.audit.record(trx, actor, 'user.password.changed', { type: 'user', id: actor.id });
    });
  }

  #checkPassword(password: string, username: string): void {
    const problem = passwordProblem(password, username);
    if (problem) throw new VigilError('WEAK_PASSWORD', problem, { field: 'password' });
  }

  /** Integrators work for exactly one organisation; named organisations and regions must exist. */
  async #checkScope(role: Role, organisationIds: readonly string[], regionId: string | null, trx: Db): Promise<void> {
    if (role === 'integrator' && organisationIds.length !== 1) {
      throw new VigilError('VALIDATION_FAILED', 'an integrator belongs to exactly one organisation', { field: 'organisationIds' });
    }
    for (const organisationId of organisationIds) {
      if (!(await trx.selectFrom('organisations').select('id').where('id', '=', organisationId).executeTakeFirst())) {
        throw new VigilError('ORGANISATION_NOT_FOUND', `organisation ${organisationId} does not exist`, { field: 'organisationIds' });
      }
    }
    if (regionId && !(await trx.selectFrom('regions').select('id').where('id', '=', regionId).executeTakeFirst())) {
      throw new VigilError('REGION_NOT_FOUND', `region ${regionId} does not exist`, { field: 'regionId' });
    }
  }

  async #write(work: (trx: Db) => Promise<void>): Promise<void> {
    try {
      await this.deps.db.transaction().execute(work);
    } catch (err) {
      if (uniqueViolation(err)) throw new VigilError('DUPLICATE_USER', 'a user with this username exists');
      throw err;
    }
  }
}
