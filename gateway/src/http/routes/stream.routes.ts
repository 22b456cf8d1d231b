import { z } from 'zod';
import type { SnapshotService } from '../../services/snapshot.service.js';
import type { StreamService } from '../../services/stream.service.js';
import { defineRoute, ok, signedIn, type Route } from '../route.js';
import { idParams, text } from '../validation.js';

const streamAddress = z.object({
  url: z.string().describe('Tokenised playlist address for this caller: /streams/<token>/index.m3u8'),
  viewId: z.string(),
  expiresAt: z.string(),
  profile: z.enum(['main', 'sub']),
});

/** Live video: playlist addresses, prewarming, and the token-authorised HLS files. */
export function streamRoutes(streams: StreamService, snapshots: SnapshotService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/cameras/:id/stream',
      tag: 'streams',
      access: 'camera:view',
      summary: 'The tokenised HLS playlist address of a camera for the caller (starts an audited view)',
      params: idParams,
      query: z.strictObject({
        profile: z.enum(['main', 'sub']).default('sub'),
        codec: z.enum(['auto', 'h264']).default('auto').describe('h264: transcode an H.265 camera for browsers without HEVC'),
        reason: text(500).optional(),
      }),
      responses: {
        200: { description: 'The playlist address', schema: streamAddress },
        400: { description: 'REASON_REQUIRED' },
        404: { description: 'CAMERA_NOT_FOUND' },
        503: { description: 'Not approved or no stream (STREAM_UNAVAILABLE)' },
      },
      handle: async ({ params, query, actor }) => ok(await streams.issue(params.id, query.profile, query.codec, query.reason ?? null, signedIn(actor))),
    }),
    defineRoute({
      method: 'get',
      path: '/api/cameras/:id/snapshot',
      tag: 'streams',
      access: 'camera:view',
      summary: 'A still picture (JPEG, 640 px wide) of the camera now; recorded as a view, with the reason the policy asks for',
      params: idParams,
      query: z.strictObject({ reason: text(500).optional() }),
      responses: {
        200: { description: 'The picture', contentType: 'image/jpeg' },
        400: { description: 'REASON_REQUIRED' },
        404: { description: 'CAMERA_NOT_FOUND' },
        503: { description: 'STREAM_UNAVAILABLE (not approved, no picture) / STREAM_CAPACITY' },
      },
      handle: async ({ params, query, actor }) => ({ status: 200, body: await snapshots.take(params.id, query.reason ?? null, signedIn(actor)), contentType: 'image/jpeg' }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/streams/prewarm',
      tag: 'streams',
      access: 'camera:view',
      summary: 'Start relays ahead of need (a patrol wall loads its next page with this)',
      body: z.strictObject({ cameraIds: z.array(z.string().min(1).max(64)).min(1).max(64), profile: z.enum(['main', 'sub']).default('sub') }),
      responses: { 200: { description: 'Which relays started', schema: z.object({ started: z.array(z.string()), failed: z.array(z.object({ cameraId: z.string(), code: z.string() })) }) } },
      handle: async ({ body, actor }) => ok(await streams.prewarm(body.cameraIds, body.profile, signedIn(actor))),
    }),
    defineRoute({
      method: 'get',
      path: '/streams/:token/:file',
      tag: 'streams',
      access: 'stream-token',
      summary: 'A playlist (LL-HLS, blocking reload with _HLS_msn/_HLS_part), init segment, segment or part; authorised by the signed token in the path, bound to user, camera and view',
      params: z.strictObject({ token: z.string().max(1300), file: z.string().max(64) }),
      // Players may add other parameters (hls.js: _HLS_skip, cache busters): ignored.
      query: z
        .object({
          _HLS_msn: z.coerce.number().int().min(0).max(1e9).optional(),
          _HLS_part: z.coerce.number().int().min(0).max(1e4).optional(),
        })
        .refine((q) => q._HLS_part === undefined || q._HLS_msn !== undefined, { message: '_HLS_part needs _HLS_msn', path: ['_HLS_part'] }),
      responses: {
        200: { description: 'The file', contentType: 'application/vnd.apple.mpegurl' },
        400: { description: 'VALIDATION_FAILED (_HLS_part without _HLS_msn)' },
        403: { description: 'INVALID_STREAM_TOKEN' },
        404: { description: 'No such file' },
        503: { description: 'STREAM_UNAVAILABLE / STREAM_CAPACITY' },
      },
      handle: async ({ params, query }) => {
        const block = query._HLS_msn === undefined ? null : { msn: query._HLS_msn, part: query._HLS_part ?? null };
        const file = await streams.serve(params.token, params.file, block);
        return { status: 200, body: file.body, contentType: file.contentType };
      },
    }),
  ];
}
