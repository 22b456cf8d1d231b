import type { ProcessLauncher } from '../adapters/process/process-launcher.js';
import { buildSnapshotArgv } from '../adapters/ffmpeg/snapshot-argv.js';
import type { AuthProxy, ProxyLease } from '../adapters/rtsp/rtsp-auth-proxy.js';
import { VigilError } from '../domain/errors.js';
import { buildStreamUrl } from '../domain/stream-address.js';
import type { Logger } from '../logging/logger.js';
import type { Actor } from './actor.js';
import type { CameraCredentialService } from './camera-credential.service.js';
import type { CameraService } from './camera.service.js';
import type { ViewService } from './view.service.js';

const MAX_JPEG_BYTES = 4 * 1024 * 1024;

export interface SnapshotSettings {
  readonly ffmpegPath: string;
  readonly socketTimeoutS: number;
  /** Snapshots taken at once, all cameras together (each is one ffmpeg). */
  readonly concurrency: number;
}

/**
 * A still picture of a camera for the catalog's detail page. Seeing a picture is seeing the
 * camera: it needs `camera:view`, and it is recorded as a view (with the reason the policy asks
 * for) so the owner's transparency list shows it. ffmpeg reads through the credential proxy, so
 * the password never reaches its argv.
 */
export class SnapshotService {
  #running = 0;

  constructor(
    private readonly deps: {
      readonly cameras: CameraService;
      readonly credentials: CameraCredentialService;
      readonly views: ViewService;
      readonly proxy: AuthProxy;
      readonly launcher: ProcessLauncher;
      readonly logger: Logger;
      readonly settings: SnapshotSettings;
    },
  ) {}

  async take(cameraId: string, reason: string | null, actor: Actor): Promise<Buffer> {
    const record = await this.deps.cameras.require(cameraId, actor);
    if (record.row.lifecycle !== 'approved') throw new VigilError('STREAM_UNAVAILABLE', `the camera is ${record.row.lifecycle}, not approved`);
    const row = record.profiles.find((p) => p.kind === 'sub') ?? record.profiles.find((p) => p.kind === 'main');
    if (!row) throw new VigilError('STREAM_UNAVAILABLE', 'the camera has no stream');
    if (this.#running >= this.deps.settings.concurrency) throw new VigilError('STREAM_CAPACITY', 'too many snapshots are being taken; try again shortly');
    const view = await this.deps.views.start(cameraId, reason, actor);
    this.#running += 1;
    let lease: ProxyLease | null = null;
    try {
      const credentials = await this.deps.credentials.reveal(cameraId);
      lease = this.deps.proxy.lease({ upstreamUrl: buildStreamUrl(row), username: credentials?.username ?? null, password: credentials?.password ?? null });
      const jpeg = await this.#grab(buildSnapshotArgv({ inputUrl: lease.url, width: 640, socketTimeoutS: this.deps.settings.socketTimeoutS }));
      if (!jpeg) throw new VigilError('STREAM_UNAVAILABLE', 'the camera sent no picture');
      return jpeg;
    } finally {
      lease?.release();
      this.#running -= 1;
      await this.deps.views.end(view.id, actor).catch((err: unknown) => this.deps.logger.error({ err, viewId: view.id }, 'could not end snapshot view'));
    }
  }

  /** ffmpeg's JPEG, or null (no picture, an error, or past the size or time limit). */
  async #grab(argv: string[]): Promise<Buffer | null> {
    const { code, stdout: jpeg, overflowed } = await this.deps.launcher.run(
      'setpriv',
      ['--pdeathsig', 'SIGKILL', '--', this.deps.settings.ffmpegPath, ...argv],
      { stdout: { maxBytes: MAX_JPEG_BYTES, overflow: 'kill' }, stderrBytes: 0 },
      (this.deps.settings.socketTimeoutS * 2 + 5) * 1000,
    );
    // A JPEG starts with FF D8; anything else (or a killed ffmpeg) is no picture.
    return code === 0 && !overflowed && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8 ? jpeg : null;
  }
}
