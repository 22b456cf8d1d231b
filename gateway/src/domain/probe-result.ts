import type { Observation, ProbeReason } from './health-state.js';

/**
 * The probe ladder's results (DESIGN.md §4), cheapest step first. Expected failures are values:
 * a camera being down is not an error.
 */
export const PROBE_STEPS = ['tcp', 'rtsp', 'onvif', 'media'] as const;
export type ProbeStep = (typeof PROBE_STEPS)[number];

export type StepResult =
  | { readonly step: ProbeStep; readonly ok: true; readonly ms: number; readonly detail?: StepDetail }
  | { readonly step: ProbeStep; readonly ok: false; readonly reason: ProbeReason; readonly ms: number; readonly message?: string };

export interface StepDetail {
  /** RTSP: the video codec the SDP announces (h264, h265, …). */
  readonly codec?: string;
  readonly width?: number;
  readonly height?: number;
  /** ONVIF: camera clock minus Vigil's clock, in ms (positive: the camera is ahead). */
  readonly clockSkewMs?: number;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly firmware?: string;
  /** Media check: frames decoded in the sample. */
  readonly frames?: number;
}

/** The picture verdict of the last media check, reused until the next one is due. */
export interface MediaVerdict {
  readonly ok: boolean;
  readonly reason: ProbeReason | 'ok';
  readonly at: number;
}

/** Reasons where the camera answered but its picture cannot be watched: degraded, not offline. */
const DEGRADING: ReadonlySet<ProbeReason> = new Set(['no_video', 'frozen', 'black', 'codec_unsupported']);

/**
 * What a run of the ladder says about the camera. The first failed step decides, except ONVIF:
 * a management-plane fault while video flows is reported (`warnings`) but does not take the
 * camera out of the online rate. When this run had no media step, the last media verdict still
 * stands if it is recent (`media`), so a frozen camera does not turn online between media checks.
 */
export function verdictOf(results: readonly StepResult[], media: MediaVerdict | null): Observation & { readonly warnings: readonly ProbeReason[] } {
  const warnings: ProbeReason[] = [];
  for (const result of results) {
    if (result.ok) continue;
    if (result.step === 'onvif') {
      warnings.push(result.reason);
      continue;
    }
    return { verdict: DEGRADING.has(result.reason) ? 'degraded' : 'down', reason: result.reason, warnings };
  }
  const ranMedia = results.some((r) => r.step === 'media');
  if (!ranMedia && media && !media.ok && media.reason !== 'ok') {
    return { verdict: DEGRADING.has(media.reason) ? 'degraded' : 'down', reason: media.reason, warnings };
  }
  return { verdict: 'up', reason: 'ok', warnings };
}
