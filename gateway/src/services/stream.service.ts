import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import { buildStreamUrl } from '../domain/stream-address.js';
import type { Logger } from '../logging/logger.js';
import { STREAM_FILE } from '../relay/live-window.js';
import type { RelayManager } from '../relay/relay-manager.js';
import { CameraAnsweredError, type RelaySpec } from '../relay/relay-supervisor.js';
import type { StreamClaims, StreamTokens } from '../security/stream-token.js';
import { SYSTEM, type Actor } from './actor.js';
import type { CameraService } from './camera.service.js';
import type { CameraCredentialService } from './camera-credential.service.js';
import type { ViewService } from './view.service.js';

export type Profile = 'main' | 'sub';
export type CodecRequest = 'auto' | 'h264';
/** An LL-HLS blocking playlist reload: answer once the playlist holds this segment (or this part of it). */
export interface PlaylistBlock {
  readonly msn: number;
  readonly part: number | null;
}

// A blocked playlist or part request is answered after this many target durations at most.
const HOLD_TARGET_DURATIONS = 3;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{10,1200}\.[A-Za-z0-9_-]{43}$/;

export interface StreamSettings {
  readonly tokenTtlS: number;
  readonly startTimeoutMs: number;
  readonly viewIdleMs: number;
}

/**
 * Live video for users: issues tokenised playlist addresses (each one an audited view), serves
 * playlists and segments from the shared relays, and ends views whose players went quiet.
 */
export class StreamService {
  readonly #specs = new Map<string, RelaySpec>();
  readonly #viewSeen = new Map<string, number>();
  #sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      readonly cameras: CameraService;
      readonly credentials: CameraCredentialService;
      readonly views: ViewService;
      readonly relays: RelayManager;
      readonly tokens: StreamTokens;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly settings: StreamSettings;
      readonly onBytes: (n: number) => void;
    },
  ) {}

  start(): void {
    this.#sweeper = setInterval(() => void this.#endQuietViews(), 2000);
  }

  async stop(): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    await Promise.all([...this.#viewSeen.keys()].map((v) => this.deps.views.endIdle(v, SYSTEM)));
    this.#viewSeen.clear();
  }

  get viewers(): number {
    return this.#viewSeen.size;
  }

  /** A playlist address for the caller; starts an audited view. */
  async issue(cameraId: string, profile: Profile, codec: CodecRequest, reason: string | null, actor: Actor): Promise<{ url: string; viewId: string; expiresAt: string; profile: Profile }> {
    const spec = await this.#spec(cameraId, profile, codec, actor);
    const view = await this.deps.views.start(cameraId, reason, actor);
    const expires = Math.floor(this.deps.clock.now().getTime() / 1000) + this.deps.settings.tokenTtlS;
    const claims: StreamClaims = { v: view.id, c: cameraId, u: actor.id, p: spec.profile, m: spec.mode, e: expires };
    this.#viewSeen.set(view.id, Date.now());
    return { url: `/streams/${this.deps.tokens.sign(claims)}/index.m3u8`, viewId: view.id, expiresAt: new Date(expires * 1000).toISOString(), profile: spec.profile };
  }

  /** Starts relays ahead of need (the next page of a patrol wall). */
  async prewarm(cameraIds: readonly string[], profile: Profile, actor: Actor): Promise<{ started: string[]; failed: Array<{ cameraId: string; code: string }> }> {
    const started: string[] = [];
    const failed: Array<{ cameraId: string; code: string }> = [];
    for (const cameraId of cameraIds) {
      try {
        const spec = await this.#spec(cameraId, profile, 'auto', actor);
        await this.deps.relays.open(spec.relay);
        started.push(cameraId);
      } catch (err) {
        // A camera the caller may not see is an error of the request, not a camera that failed.
        if (err instanceof VigilError && err.code === 'CAMERA_NOT_FOUND') throw err;
        failed.push({ cameraId, code: err instanceof VigilError ? err.code : 'INTERNAL_ERROR' });
      }
    }
    return { started, failed };
  }

  /**
   * One playlist, init segment, segment or part for a token holder. A playlist request may block
   * (LL-HLS `_HLS_msn`/`_HLS_part`) until the playlist holds what the player asks for; a request
   * for the part the playlist hints at next waits for it.
   */
  async serve(token: string, file: string, block: PlaylistBlock | null = null): Promise<{ body: Buffer; contentType: string }> {
    const claims = TOKEN_SHAPE.test(token) ? this.deps.tokens.verify(token, this.deps.clock.now().getTime()) : null;
    if (!claims) throw new VigilError('INVALID_STREAM_TOKEN', 'missing, forged or expired stream token');
    // Strict names only: the window maps them to its parts' files itself; a name never becomes a path.
    if (!STREAM_FILE.test(file)) throw new VigilError('ROUTE_NOT_FOUND', 'no such stream file');
    const key = relayKey(claims.c, claims.p, claims.m);
    let spec = this.#specs.get(key);
    if (!spec) {
      spec = (await this.#spec(claims.c, claims.p, claims.m === 'h264' ? 'h264' : 'auto', SYSTEM)).relay;
    }
    const relay = await this.deps.relays.open(spec);
    this.#viewSeen.set(claims.v, Date.now());
    if (file === 'index.m3u8' && !relay.ready) {
      try {
        await relay.whenReady(this.deps.settings.startTimeoutMs);
      } catch (err) {
        throw new VigilError('STREAM_UNAVAILABLE', err instanceof CameraAnsweredError ? refusalMessage(err) : 'the camera did not start streaming in time');
      } finally {
        relay.lastRequestAt = Date.now();
      }
    }
    const holdMs = relay.window.targetDuration * HOLD_TARGET_DURATIONS * 1000;
    let body: Buffer | null;
    if (file === 'index.m3u8') {
      if (block) await relay.window.waitForPlaylist(block.msn, block.part, holdMs);
      body = relay.window.playlist();
    } else {
      body = relay.window.file(file);
      const hinted = body ? null : /^part_(\d+)_(\d+)\.m4s$/.exec(file);
      if (hinted) {
        await relay.window.waitForPart(Number(hinted[1]), Number(hinted[2]), holdMs);
        body = relay.window.file(file);
      }
    }
    // A request held for seconds still counts as the player being there.
    relay.lastRequestAt = Date.now();
    if (!body) throw new VigilError('ROUTE_NOT_FOUND', 'no such stream file (yet)');
    this.deps.onBytes(body.length);
    return { body, contentType: contentTypeOf(file) };
  }

  async #spec(cameraId: string, wanted: Profile, codec: CodecRequest, actor: Actor): Promise<{ relay: RelaySpec; profile: Profile; mode: 'copy' | 'h264' }> {
    const record = await this.deps.cameras.require(cameraId, actor);
    if (record.row.lifecycle !== 'approved') throw new VigilError('STREAM_UNAVAILABLE', `the camera is ${record.row.lifecycle}, not approved`);
    // A camera without a sub stream plays its main stream on walls.
    const row = record.profiles.find((p) => p.kind === wanted) ?? record.profiles.find((p) => p.kind === 'main');
    if (!row) throw new VigilError('STREAM_UNAVAILABLE', 'the camera has no stream');
    const profile = row.kind;
    const sourceCodec = row.codec && /^(h265|hevc)$/i.test(row.codec) ? 'h265' : 'h264';
    const mode = codec === 'h264' && sourceCodec === 'h265' ? 'h264' : 'copy';
    const key = relayKey(cameraId, profile, mode);
    const relay: RelaySpec = {
      key,
      cameraId,
      tier: record.row.tier,
      upstreamUrl: buildStreamUrl(row),
      credentials: await this.deps.credentials.reveal(cameraId),
      codec: sourceCodec,
      transcodeToH264: codec === 'h264',
    };
    this.#specs.set(key, relay);
    return { relay, profile, mode };
  }

  async #endQuietViews(): Promise<void> {
    const now = Date.now();
    for (const [viewId, seen] of this.#viewSeen) {
      if (now - seen > this.deps.settings.viewIdleMs) {
        this.#viewSeen.delete(viewId);
        await this.deps.views.endIdle(viewId, SYSTEM).catch((err: unknown) => this.deps.logger.error({ err, viewId }, 'could not end view'));
      }
    }
  }
}

export function relayKey(cameraId: string, profile: Profile, mode: 'copy' | 'h264'): string {
  return `${cameraId}:${profile}:${mode}`;
}

/** What a viewer is told when the camera turned the relay away. */
function refusalMessage(err: CameraAnsweredError): string {
  if (err.status === 502) return 'the camera cannot be reached';
  if (err.status === 401 || err.status === 403) return 'the camera refused the credentials';
  if (err.status === 404) return 'the camera has no such stream';
  // The reason phrase is the camera's own text: printable characters only, and short.
  const phrase = err.statusText.replace(/[^\x20-\x7e]/g, '').slice(0, 80);
  return `the camera answered ${err.status} ${phrase}`.trim();
}

function contentTypeOf(file: string): string {
  return file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp4';
}
