import type { Logger } from '../logging/logger.js';
import type { SecretRedactor } from '../logging/secret-redactor.js';
import type { UserRepository } from '../storage/repositories/user.repository.js';
import { SYSTEM } from './actor.js';
import type { UserService } from './user.service.js';

/**
 * No default credentials: on first start (no users at all) Vigil creates the user `admin`, with
 * the password from VIGIL_ADMIN_PASSWORD, or else a one-time password printed once on stderr —
 * not through the logger, whose lines may be shipped elsewhere — that must be changed at first
 * sign-in.
 */
export async function ensureFirstAdmin(deps: {
  readonly users: UserRepository;
  readonly userService: UserService;
  readonly adminPassword: string | null;
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  readonly print: (line: string) => void;
}): Promise<void> {
  if ((await deps.users.count()) > 0) return;
  if (deps.adminPassword) deps.redactor.add(deps.adminPassword);
  const { oneTimePassword } = await deps.userService.create(
    { username: 'admin', role: 'admin', displayName: 'Administrator', ...(deps.adminPassword && { password: deps.adminPassword }) },
    SYSTEM,
  );
  if (oneTimePassword) {
    deps.redactor.add(oneTimePassword);
    deps.print(`vigil: created user "admin" with the one-time password ${oneTimePassword} (change it at first sign-in)`);
  }
  deps.logger.info({ username: 'admin', oneTimePassword: oneTimePassword !== null }, 'first admin created');
}
