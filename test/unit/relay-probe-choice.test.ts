import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuthProxy } from '../../gateway/src/adapters/rtsp/rtsp-auth-proxy.js';
import { LaunchedProcess } from '../../gateway/src/adapters/process/launched-process.js';
import type { ProcessLauncher } from '../../gateway/src/adapters/process/process-launcher.js';
import type { Logger } from '../../gateway/src/logging/logger.js';
import { AnswerCache } from '../../gateway/src/relay/answer-cache.js';
import { RelaySupervisor, type RelaySettings, type RelaySpec } from '../../gateway/src/relay/relay-supervisor.js';

// The supervisor's choice of probe, with ffmpeg stood in for by a process that says what it is
// told to: what ffmpeg prints when a key-frame probe meets no key frame is checked against real
// ffmpeg in test/relay/hls-argv.ffmpeg.test.ts.

const root = mkdtempSync(path.join(os.tmpdir(), 'vigil-probe-choice-'));
const logged: Array<{ level: string; msg: string }> = [];
const logger = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((level) => [level, (_fields: unknown, msg: string) => void logged.push({ level, msg })])) as unknown as Logger;
const proxy: AuthProxy = { start: () => Promise.resolve(), stop: () => Promise.resolve(), lease: () => ({ url: 'rtsp://127.0.0.1:9/lease/main', release: () => undefined }) };

class ScriptedLauncher {
  readonly launches: Array<{ args: readonly string[]; child: LaunchedProcess }> = [];
  launch(_command: string, args: readonly string[]): LaunchedProcess {
    const child = new LaunchedProcess();
    this.launches.push({ args, child });
    return child;
  }
  get last(): { args: readonly string[]; child: LaunchedProcess } {
    return this.launches.at(-1)!;
  }
}

const settings: RelaySettings = {
  root,
  ffmpegPath: 'ffmpeg',
  gopSeconds: 2,
  partTargetS: 0.5,
  socketTimeoutS: 5,
  playlistLength: 4,
  transcodeKbps: 1500,
  stallFactor: 4,
  startTimeoutMs: 15_000,
  backoff: { baseMs: 5, maxMs: 5, jitter: 0 },
  healthyAfterMs: 60_000,
  keyFrameProbeFromStarts: 3,
};

const spec = (extra: Partial<RelaySpec> = {}): RelaySpec => ({
  key: `cam${Math.random().toString(36).slice(2)}:main:copy`,
  cameraId: 'cam',
  tier: 'general',
  upstreamUrl: 'rtsp://127.0.0.1:9/main',
  credentials: null,
  codec: 'h264',
  transcodeToH264: false,
  ...extra,
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const running: Array<{ relay: RelaySupervisor; launcher: ScriptedLauncher }> = [];
afterEach(async () => {
  for (const { relay, launcher } of running.splice(0)) {
    const stopped = relay.stop();
    launcher.last.child.ended(null, 'SIGTERM');
    await stopped;
  }
});

function startRelay(inFlight: () => number, extra: Partial<RelaySpec> = {}): ScriptedLauncher {
  const launcher = new ScriptedLauncher();
  const relay = new RelaySupervisor(spec(extra), settings, proxy, launcher as unknown as ProcessLauncher, logger, { onReady: () => undefined, onRestart: () => undefined }, { startsInFlight: inFlight }, new AnswerCache(2 ** 20, 4));
  running.push({ relay, launcher });
  relay.start();
  return launcher;
}

const skipsFrames = (args: readonly string[]) => args.includes('-skip_frame');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('which probe a relay gives ffmpeg', () => {
  it('probes all frames alone, key frames only from relay.keyFrameProbeFromStarts starts at once', () => {
    expect(skipsFrames(startRelay(() => 0).last.args)).toBe(false);
    expect(skipsFrames(startRelay(() => 2).last.args)).toBe(false);
    expect(skipsFrames(startRelay(() => 3).last.args)).toBe(true);
    expect(skipsFrames(startRelay(() => 40).last.args)).toBe(true);
  });

  it('never skips frames for a transcode', () => {
    expect(skipsFrames(startRelay(() => 40, { codec: 'h265', transcodeToH264: true }).last.args)).toBe(false);
  });

  it('goes back to all frames for good once a key-frame probe met no key frame', async () => {
    const launcher = startRelay(() => 40);
    expect(skipsFrames(launcher.last.args)).toBe(true);
    launcher.last.child.line('[segment @ 0x5610b6a85fc0] dimensions not set');
    launcher.last.child.ended(1, null);
    await sleep(50);
    expect(launcher.launches).toHaveLength(2);
    expect(skipsFrames(launcher.last.args)).toBe(false);
    // Later restarts (here: an exit for another reason) keep probing all frames.
    launcher.last.child.ended(1, null);
    await sleep(50);
    expect(launcher.launches).toHaveLength(3);
    expect(skipsFrames(launcher.last.args)).toBe(false);
  });

  it('logs the re-timing of the frames a key-frame probe skipped as expected (debug), other ffmpeg words as warnings', () => {
    logged.length = 0;
    const keyFrames = startRelay(() => 40);
    keyFrames.last.child.line('[segment @ 0x55f81d669b80] Invalid DTS: 122400 PTS: 121480 in output stream 0:0, replacing by guess');
    expect(logged.map((l) => l.level)).toEqual(['debug']);
    const allFrames = startRelay(() => 0);
    allFrames.last.child.line('[segment @ 0x55f81d669b80] Invalid DTS: 122400 PTS: 121480 in output stream 0:0, replacing by guess');
    expect(logged.map((l) => l.level)).toEqual(['debug', 'warn']);
  });

  it('keeps the key-frame probe after an exit for another reason', async () => {
    const launcher = startRelay(() => 40);
    launcher.last.child.line('[rtsp @ 0x55d] method DESCRIBE failed: 503 Service Unavailable');
    launcher.last.child.ended(1, null);
    await sleep(50);
    expect(launcher.launches).toHaveLength(2);
    expect(skipsFrames(launcher.last.args)).toBe(true);
  });
});
