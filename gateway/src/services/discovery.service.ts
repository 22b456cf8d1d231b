import { randomUUID } from 'node:crypto';
import { scopeValue, type ProbeMatch } from '../adapters/onvif/ws-discovery.js';
import { normaliseSerial } from '../domain/catalog.js';
import type { Clock } from '../domain/clock.js';
import { parseDiscoveryTargets, type UnicastTarget } from '../domain/discovery-targets.js';
import { VigilError } from '../domain/errors.js';
import { parseStreamUrl, streamAddressKey } from '../domain/stream-address.js';
import type { Tier } from '../domain/tier.js';
import { interrogate, type InterrogatedProfile } from '../discovery/onvif-interrogator.js';
import { probeDevices } from '../discovery/ws-discovery.prober.js';
import type { Logger } from '../logging/logger.js';
import type { CameraRepository } from '../storage/repositories/camera.repository.js';
import type { Actor } from './actor.js';
import type { CameraService } from './camera.service.js';

export interface DiscoverySettings {
  readonly maxAddresses: number;
  readonly probesPerSecond: number;
  readonly interrogationConcurrency: number;
  readonly soapTimeoutMs: number;
  readonly allowForeignXAddrs: boolean;
  /** Finished runs kept for reading. */
  readonly keepRuns: number;
}

export interface RunRequest {
  readonly targets: readonly string[];
  readonly interfaces: readonly string[];
  readonly timeoutMs: number;
  readonly credentials: { readonly username: string; readonly password: string } | null;
}

export interface Candidate {
  readonly id: string;
  readonly endpointReference: string;
  readonly address: string;
  readonly deviceUrl: string;
  readonly scopeName: string | null;
  readonly scopeLocation: string | null;
  status: 'pending' | 'ok' | 'failed';
  reason: string | null;
  message: string | null;
  manufacturer: string | null;
  model: string | null;
  firmware: string | null;
  serialNumber: string | null;
  hardwareId: string | null;
  profiles: InterrogatedProfile[];
  snapshotUri: string | null;
  /** Already in the catalog: which camera (null when it is outside the caller's scope) and why. */
  known: { cameraId: string | null; field: string } | null;
  /** Set once adopted. */
  adoptedCameraId: string | null;
}

interface Run {
  readonly id: string;
  readonly createdBy: string;
  readonly actor: Actor;
  readonly startedAt: string;
  finishedAt: string | null;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  error: string | null;
  readonly total: number;
  probed: number;
  interrogated: number;
  rejectedReplies: number;
  readonly candidates: Map<string, Candidate>;
  readonly credentials: RunRequest['credentials'];
  readonly abort: AbortController;
}

export interface AdoptItem {
  readonly candidateId: string;
  readonly name?: string | undefined;
  readonly organisationId: string;
  readonly regionId: string;
  readonly tier?: Tier | undefined;
  readonly latitude?: number | null | undefined;
  readonly longitude?: number | null | undefined;
  readonly address?: string | null | undefined;
}

export type AdoptResult =
  | { readonly candidateId: string; readonly status: 'adopted'; readonly cameraId: string }
  | { readonly candidateId: string; readonly status: 'known'; readonly cameraId: string | null }
  | { readonly candidateId: string; readonly status: 'failed'; readonly code: string; readonly message: string };

/**
 * Discovery runs as jobs: a Probe sweep (unicast targets and/or multicast on named interfaces),
 * then the interrogation of every device that answered, then candidates matched against the
 * catalog; adopting candidates makes pending cameras. Runs live in memory (they are minutes of
 * work, re-run at will); the credentials of a run never leave it except into the encrypted store.
 */
export class DiscoveryService {
  readonly #runs = new Map<string, Run>();

  constructor(
    private readonly deps: {
      readonly cameras: CameraService;
      readonly cameraRepo: CameraRepository;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly settings: DiscoverySettings;
      /** Registers a secret with the log redactor (a run's camera password, from the moment it arrives). */
      readonly rememberSecret: (secret: string) => void;
    },
  ) {}

  start(request: RunRequest, actor: Actor): { id: string } {
    if (request.credentials) this.deps.rememberSecret(request.credentials.password);
    const parsed = parseDiscoveryTargets(request.targets, this.deps.settings.maxAddresses);
    if (!parsed.ok) {
      throw new VigilError('VALIDATION_FAILED', `targets[${parsed.index}]: ${parsed.reason}`, { field: `targets.${parsed.index}`, reason: parsed.reason });
    }
    if (parsed.targets.length === 0 && request.interfaces.length === 0) throw new VigilError('VALIDATION_FAILED', 'give targets, interfaces or both', { field: 'targets' });
    if ([...this.#runs.values()].filter((r) => r.state === 'running').length >= 4) throw new VigilError('DISCOVERY_BUSY', 'four discovery runs are already running');
    const run: Run = {
      id: randomUUID(),
      createdBy: actor.username,
      actor,
      startedAt: this.deps.clock.now().toISOString(),
      finishedAt: null,
      state: 'running',
      error: null,
      total: parsed.targets.length,
      probed: 0,
      interrogated: 0,
      rejectedReplies: 0,
      candidates: new Map(),
      credentials: request.credentials,
      abort: new AbortController(),
    };
    this.#runs.set(run.id, run);
    this.#forgetOldRuns();
    void this.#execute(run, parsed.targets, request).catch((err: unknown) => {
      run.state = 'failed';
      run.error = err instanceof Error ? err.message : String(err);
      run.finishedAt = this.deps.clock.now().toISOString();
      this.deps.logger.warn({ err, run: run.id }, 'discovery run failed');
    });
    return { id: run.id };
  }

  get(id: string, actor: Actor) {
    const run = this.#require(id, actor);
    const candidates = [...run.candidates.values()];
    return {
      id: run.id,
      state: run.state,
      error: run.error,
      createdBy: run.createdBy,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      progress: { probed: run.probed, total: run.total, found: candidates.length, interrogated: run.interrogated, rejectedReplies: run.rejectedReplies },
      candidates,
    };
  }

  cancel(id: string, actor: Actor): void {
    const run = this.#require(id, actor);
    if (run.state === 'running') {
      run.abort.abort();
      run.state = 'cancelled';
      run.finishedAt = this.deps.clock.now().toISOString();
    }
  }

  async adopt(id: string, items: readonly AdoptItem[], actor: Actor): Promise<AdoptResult[]> {
    const run = this.#require(id, actor);
    const results: AdoptResult[] = [];
    for (const item of items) {
      const candidate = run.candidates.get(item.candidateId);
      if (!candidate) {
        results.push({ candidateId: item.candidateId, status: 'failed', code: 'CANDIDATE_NOT_FOUND', message: 'no such candidate in this run' });
        continue;
      }
      await this.#match(candidate, actor);
      if (candidate.known) {
        results.push({ candidateId: candidate.id, status: 'known', cameraId: candidate.known.cameraId });
        continue;
      }
      const main = candidate.profiles.find((p) => p.kind === 'main' && p.url);
      if (candidate.status !== 'ok' || !main) {
        results.push({ candidateId: candidate.id, status: 'failed', code: 'CANDIDATE_NOT_READY', message: candidate.message ?? 'the device gave no usable stream' });
        continue;
      }
      const sub = candidate.profiles.find((p) => p.kind === 'sub' && p.url);
      const profile = (p: InterrogatedProfile) => ({ url: p.url!, codec: p.codec, width: p.width, height: p.height, fps: p.fps, bitrateKbps: p.bitrateKbps });
      try {
        const camera = await this.deps.cameras.create(
          {
            name: item.name ?? candidate.scopeName ?? `${candidate.manufacturer ?? 'ONVIF'} ${candidate.model ?? 'camera'} ${candidate.address}`.slice(0, 128),
            organisationId: item.organisationId,
            regionId: item.regionId,
            tier: item.tier,
            lifecycle: 'pending',
            source: 'onvif',
            manufacturer: candidate.manufacturer,
            model: candidate.model,
            serialNumber: candidate.serialNumber,
            hardwareId: candidate.hardwareId,
            onvifEndpointRef: candidate.endpointReference,
            onvifAddress: candidate.deviceUrl,
            latitude: item.latitude,
            longitude: item.longitude,
            address: item.address ?? candidate.scopeLocation,
            profiles: { main: profile(main), ...(sub && { sub: profile(sub) }) },
            credentials: run.credentials,
          },
          actor,
        );
        candidate.adoptedCameraId = camera.id;
        candidate.known = { cameraId: camera.id, field: 'onvifEndpointRef' };
        results.push({ candidateId: candidate.id, status: 'adopted', cameraId: camera.id });
      } catch (err) {
        if (!(err instanceof VigilError)) throw err;
        results.push({ candidateId: candidate.id, status: 'failed', code: err.code, message: err.message });
      }
    }
    return results;
  }

  #require(id: string, actor: Actor): Run {
    const run = this.#runs.get(id);
    // Runs are their creator's (and admins'): another technician's targets and results are not theirs to read.
    if (!run || (actor.role !== 'admin' && run.actor.id !== actor.id)) throw new VigilError('DISCOVERY_RUN_NOT_FOUND', `no discovery run ${id}`);
    return run;
  }

  async #execute(run: Run, targets: readonly UnicastTarget[], request: RunRequest): Promise<void> {
    await probeDevices({
      unicast: targets,
      interfaces: request.interfaces,
      timeoutMs: request.timeoutMs,
      ratePerSecond: this.deps.settings.probesPerSecond,
      allowForeignXAddrs: this.deps.settings.allowForeignXAddrs,
      signal: run.abort.signal,
      onProbed: (n) => (run.probed = n),
      onMatch: (match, from) => {
        if ([...run.candidates.values()].some((c) => c.endpointReference === match.endpointReference) || run.candidates.size >= this.deps.settings.maxAddresses) return;
        const candidate = newCandidate(match, from);
        run.candidates.set(candidate.id, candidate);
      },
      onRejected: () => (run.rejectedReplies += 1),
    });
    const queue = [...run.candidates.values()];
    const worker = async () => {
      for (let c = queue.shift(); c && !run.abort.signal.aborted; c = queue.shift()) {
        await this.#interrogate(run, c);
        run.interrogated += 1;
      }
    };
    await Promise.all(Array.from({ length: this.deps.settings.interrogationConcurrency }, worker));
    if (run.state === 'running') {
      run.state = 'done';
      run.finishedAt = this.deps.clock.now().toISOString();
    }
  }

  async #interrogate(run: Run, candidate: Candidate): Promise<void> {
    const result = await interrogate(candidate.deviceUrl, run.credentials, this.deps.settings.soapTimeoutMs);
    const device = result.device;
    if (device) {
      candidate.manufacturer = device.manufacturer;
      candidate.model = device.model;
      candidate.firmware = device.firmware;
      candidate.serialNumber = device.serialNumber;
      candidate.hardwareId = device.hardwareId;
    }
    if (result.ok) {
      candidate.status = 'ok';
      candidate.profiles = [...result.profiles];
      candidate.snapshotUri = result.snapshotUri;
    } else {
      candidate.status = 'failed';
      candidate.reason = result.reason;
      candidate.message = result.message.slice(0, 300);
    }
    await this.#match(candidate, run.actor);
  }

  /** Same endpoint reference, serial, MAC or stream address as a catalog camera: already known. */
  async #match(candidate: Candidate, actor: Actor): Promise<void> {
    if (candidate.known) return;
    const addressKeys = candidate.profiles.flatMap((p) => {
      const parsed = p.url ? parseStreamUrl(p.url) : null;
      return parsed?.ok ? [streamAddressKey(parsed.address)] : [];
    });
    const conflict = await this.deps.cameraRepo.findConflict(
      { addressKeys, serialKey: candidate.serialNumber ? normaliseSerial(candidate.serialNumber) : null, macAddress: null, onvifEndpointRef: candidate.endpointReference },
      null,
    );
    if (!conflict) return;
    const visible = await this.deps.cameraRepo.findById(conflict.cameraId, actor.scope);
    candidate.known = { cameraId: visible ? conflict.cameraId : null, field: conflict.field };
  }

  #forgetOldRuns(): void {
    const finished = [...this.#runs.values()].filter((r) => r.state !== 'running');
    for (const run of finished.slice(0, Math.max(0, finished.length - this.deps.settings.keepRuns))) this.#runs.delete(run.id);
  }
}

function newCandidate(match: ProbeMatch, from: string): Candidate {
  return {
    id: randomUUID(),
    endpointReference: match.endpointReference,
    address: from,
    deviceUrl: match.xaddrs[0]!,
    scopeName: scopeValue(match.scopes, 'name'),
    scopeLocation: scopeValue(match.scopes, 'location'),
    status: 'pending',
    reason: null,
    message: null,
    manufacturer: null,
    model: null,
    firmware: null,
    serialNumber: null,
    hardwareId: null,
    profiles: [],
    snapshotUri: null,
    known: null,
    adoptedCameraId: null,
  };
}
