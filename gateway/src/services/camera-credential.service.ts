import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import type { SecretRedactor } from '../logging/secret-redactor.js';
import type { SecretBox } from '../security/secret-box.js';
import type { CameraRepository } from '../storage/repositories/camera.repository.js';
import type { CredentialRepository } from '../storage/repositories/credential.repository.js';
import type { Database } from '../storage/schema.js';
import type { Actor, AuditService } from './audit.service.js';
import type { CredentialsInput } from './camera.input.js';

type Db = Kysely<Database>;

/**
 * Camera logins: sealed with the camera id as context before they reach the database, and
 * registered with the log redactor whenever plaintext passes through Vigil.
 */
export class CameraCredentialService {
  constructor(
    private readonly deps: {
      readonly db: Db;
      readonly cameras: CameraRepository;
      readonly credentials: CredentialRepository;
      readonly audit: AuditService;
      readonly secretBox: SecretBox;
      readonly redactor: SecretRedactor;
      readonly clock: Clock;
    },
  ) {}

  /** Call as soon as a password arrives, before anything can log it. */
  remember(credentials: CredentialsInput): void {
    this.deps.redactor.add(credentials.password);
  }

  /** Seals and stores within the caller's transaction. */
  async store(cameraId: string, credentials: CredentialsInput, at: string, trx: Db): Promise<void> {
    this.remember(credentials);
    const sealed = this.deps.secretBox.seal(JSON.stringify({ username: credentials.username, password: credentials.password }), cameraId);
    await this.deps.credentials.upsert(cameraId, sealed, at, trx);
  }

  async set(cameraId: string, credentials: CredentialsInput, actor: Actor): Promise<void> {
    this.remember(credentials);
    await this.deps.db.transaction().execute(async (trx) => {
      await this.requireCamera(cameraId, actor, trx);
      const at = this.deps.clock.now().toISOString();
      await this.store(cameraId, credentials, at, trx);
      await this.deps.cameras.update(cameraId, { updated_at: at }, trx);
      await this.deps.audit.record(trx, actor, 'camera.credentials.set', { type: 'camera', id: cameraId });
    });
  }

  async clear(cameraId: string, actor: Actor, trx?: Db): Promise<void> {
    const work = async (db: Db) => {
      await this.requireCamera(cameraId, actor, db);
      await this.deps.credentials.delete(cameraId, db);
      await this.deps.audit.record(db, actor, 'camera.credentials.cleared', { type: 'camera', id: cameraId });
    };
    if (trx) await work(trx);
    else await this.deps.db.transaction().execute(work);
  }

  /**
   * The plaintext login, for Vigil's own probes and relays only — never for an API response.
   * The password is registered with the log redactor before it is handed out.
   */
  async reveal(cameraId: string): Promise<CredentialsInput | null> {
    const sealed = await this.deps.credentials.find(cameraId);
    return sealed === undefined ? null : this.open(cameraId, sealed);
  }

  /**
   * Opens a sealed login the caller already holds (the health monitor keeps the sealed values of
   * all cameras, so thousands of checks a minute need no query each). Same rules as reveal().
   */
  open(cameraId: string, sealed: string): CredentialsInput {
    const value = JSON.parse(this.deps.secretBox.open(sealed, cameraId)) as CredentialsInput;
    this.remember(value);
    return value;
  }

  private async requireCamera(cameraId: string, actor: Actor, db: Db): Promise<void> {
    if (!(await this.deps.cameras.findById(cameraId, actor.scope, db))) throw new VigilError('CAMERA_NOT_FOUND', `camera ${cameraId} does not exist`);
  }
}
