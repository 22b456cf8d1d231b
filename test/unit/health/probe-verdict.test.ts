import { describe, expect, it } from 'vitest';
import { verdictOf, type StepResult } from '../../../gateway/src/domain/probe-result.js';

const ok = (step: StepResult['step']): StepResult => ({ step, ok: true, ms: 1 });
const fail = (step: StepResult['step'], reason: Extract<StepResult, { ok: false }>['reason']): StepResult => ({ step, ok: false, reason, ms: 1 });

describe('verdict of a probe ladder run', () => {
  it.each<[string, StepResult[], string, string]>([
    ['all good', [ok('tcp'), ok('rtsp'), ok('onvif'), ok('media')], 'up', 'ok'],
    ['refused', [fail('tcp', 'refused')], 'down', 'refused'],
    ['auth failed', [ok('tcp'), fail('rtsp', 'auth_failed')], 'down', 'auth_failed'],
    ['no video in the SDP', [ok('tcp'), fail('rtsp', 'no_video')], 'degraded', 'no_video'],
    ['unsupported codec', [ok('tcp'), fail('rtsp', 'codec_unsupported')], 'degraded', 'codec_unsupported'],
    ['frozen picture', [ok('tcp'), ok('rtsp'), fail('media', 'frozen')], 'degraded', 'frozen'],
    ['black picture', [ok('tcp'), ok('rtsp'), fail('media', 'black')], 'degraded', 'black'],
    ['media timeout after a good DESCRIBE', [ok('tcp'), ok('rtsp'), fail('media', 'timeout')], 'down', 'timeout'],
    ['an ONVIF fault is a warning only', [ok('tcp'), ok('rtsp'), fail('onvif', 'onvif_fault')], 'up', 'ok'],
  ])('%s', (_name, steps, verdict, reason) => {
    expect(verdictOf(steps, null)).toMatchObject({ verdict, reason });
  });

  it('keeps the last media verdict between media checks, and reports ONVIF warnings', () => {
    const v = verdictOf([ok('tcp'), ok('rtsp'), fail('onvif', 'auth_failed')], { ok: false, reason: 'frozen', at: 0 });
    expect(v).toEqual({ verdict: 'degraded', reason: 'frozen', warnings: ['auth_failed'] });
    expect(verdictOf([ok('tcp'), ok('rtsp'), ok('media')], { ok: false, reason: 'frozen', at: 0 })).toMatchObject({ verdict: 'up' });
  });
});
