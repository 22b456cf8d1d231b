import { z } from 'zod';

/**
 * The configuration file's schema. Every object is strict: an unknown key is an error (a typo
 * such as `prot:` must not be silently ignored). Every field has a default, so Vigil starts with
 * no file at all. Secrets are never read from the file: they come from the environment.
 */

const ownerCodes = z.strictObject({
  /** GB/T 28181 industry code (2 digits), e.g. 00 public road, 01 community, 02 internal. */
  industry: z.string().regex(/^[0-9]{2}$/, 'must be 2 digits'),
  /** GB/T 28181 network digit: 0–4 video network, 5 police, 6 government, 7 internet, 8 social resources. */
  network: z.string().regex(/^[0-9]$/, 'must be 1 digit'),
});

const seconds = (fallback: number) => z.number().min(1).max(86_400).default(fallback);
const mediaSeconds = (fallback: number) => z.number().min(0).max(7 * 86_400).default(fallback);
const minutes = (fallback: number) => z.number().min(0).max(30 * 24 * 60).default(fallback);

export const configFileSchema = z.strictObject({
  server: z
    .strictObject({
      /** Listen address. Loopback by default: expose deliberately (the Docker image sets 0.0.0.0). */
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** Largest accepted request body, in KiB. */
      bodyLimitKb: z.number().int().min(1).max(65536).default(1024),
      /** Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs). From anyone else it is ignored. */
      trustedProxies: z.array(z.string().min(1)).default([]),
      /**
       * The same app over TLS with HTTP/2 (a 16–25 tile wall needs more than the ~6 connections a
       * browser opens per host over HTTP/1.1). No certificate configured: a self-signed one is
       * made in the data folder.
       */
      https: z
        .strictObject({
          enabled: z.boolean().default(true),
          port: z.number().int().min(0).max(65535).default(8443),
          certFile: z.string().min(1).nullable().default(null),
          keyFile: z.string().min(1).nullable().default(null),
        })
        .refine((h) => (h.certFile === null) === (h.keyFile === null), { message: 'certFile and keyFile go together' })
        .prefault({}),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /** Folder for the SQLite database and the key file; relative paths are from the working directory. */
      dataDir: z.string().min(1).default('./data'),
      sqlite: z
        .strictObject({
          /** How long a writer waits for a lock before failing, in ms. */
          busyTimeoutMs: z.number().int().min(0).max(60_000).default(5000),
        })
        .prefault({}),
    })
    .prefault({}),
  security: z
    .strictObject({
      /** Credential encryption key file (32 random bytes, base64), created with mode 0600 when missing. Default: <dataDir>/secret.key. VIGIL_SECRET_KEY overrides it. */
      keyFile: z.string().min(1).nullable().default(null),
      /** How long a login session lasts. */
      sessionTtlHours: z.number().min(0.1).max(24 * 30).default(12),
      login: z
        .strictObject({
          /** Failed logins allowed from one address within the window before it is locked out. */
          attemptsPerClient: z.number().int().min(1).max(1000).default(5),
          /** Failed logins allowed for one username (from anywhere) within the window. */
          attemptsPerUser: z.number().int().min(1).max(1000).default(20),
          windowMinutes: z.number().min(1).max(24 * 60).default(15),
          /** First lock-out; it doubles with each further lock-out up to maxLockMinutes. */
          lockSeconds: z.number().min(1).max(3600).default(30),
          maxLockMinutes: z.number().min(1).max(24 * 60).default(15),
        })
        .prefault({}),
    })
    .prefault({}),
  relay: z
    .strictObject({
      /** Folder of the relays' fMP4 files and pid files; null: /dev/shm (tmpfs) or the temp folder, per data folder. */
      root: z.string().min(1).nullable().default(null),
      /** Stop a relay when no playlist or segment was asked for this long. */
      idleSeconds: z.number().min(1).max(3600).default(30),
      maxRelays: z.number().int().min(1).max(10_000).default(256),
      maxTranscodes: z.number().int().min(0).max(256).default(4),
      startsPerSecond: z.number().min(0.1).max(1000).default(16),
      // A 64-tile wall opens at once; starts beyond that are spread at startsPerSecond.
      startBurst: z.number().int().min(1).max(1000).default(64),
      /**
       * From this many relays starting at once (a wall opening), a new ffmpeg's probe decodes key
       * frames only: about half the CPU of a start, a first part up to a GOP later. 0: always.
       */
      keyFrameProbeFromStarts: z.number().int().min(0).max(10_000).default(16),
      /** Parts and segments kept in memory for a camera's other viewers, all relays together (MiB). */
      answerCacheMiB: z.number().int().min(0).max(16_384).default(64),
      /** The cameras' usual key-frame interval: a segment holds one GOP. */
      gopSeconds: z.number().min(0.2).max(10).default(2),
      /** Longest LL-HLS part: a player can start once the first one is in. */
      partSeconds: z.number().min(0.2).max(2).default(0.5),
      socketTimeoutSeconds: z.number().min(1).max(60).default(5),
      /** Complete segments a playlist lists (their files are kept, with the one being made). */
      playlistLength: z.number().int().min(3).max(30).default(4),
      transcodeKbps: z.number().int().min(100).max(20_000).default(1500),
      /** A relay with no new video for this many target durations is restarted. */
      stallFactor: z.number().min(2).max(20).default(4),
      startTimeoutSeconds: z.number().min(2).max(120).default(15),
      /** Lifetime of a tokenised playlist address. */
      tokenTtlMinutes: z.number().min(1).max(24 * 60).default(15),
      /** A view ends when its player made no request for this long. */
      viewIdleSeconds: z.number().min(5).max(3600).default(30),
    })
    .prefault({}),
  health: z
    .strictObject({
      /** Run the health checks at all (off for tools that only read the catalog). */
      enabled: z.boolean().default(true),
      /** Seconds between checks of one camera, by tier in force. */
      intervalSeconds: z
        .strictObject({ key: seconds(30), attention: seconds(120), general: seconds(600) })
        .prefault({}),
      /** Seconds between media checks (a few seconds of decoded video) of one camera; 0 = every check. */
      mediaIntervalSeconds: z
        .strictObject({ key: mediaSeconds(300), attention: mediaSeconds(900), general: mediaSeconds(3600) })
        .prefault({}),
      /** Each next check comes up to this fraction of its interval early (never late). */
      jitter: z.number().min(0).max(0.5).default(0.1),
      /** Checks running at once. */
      concurrency: z.number().int().min(1).max(2000).default(64),
      /** Media checks (ffmpeg decoding) running at once. */
      mediaConcurrency: z.number().int().min(1).max(64).default(2),
      /** Deadline of the TCP + RTSP steps, and of each ONVIF call, in ms. */
      timeoutMs: z.number().int().min(100).max(60_000).default(5000),
      mediaSampleSeconds: z.number().min(2).max(30).default(4),
      /** A still or black picture must last this long to count. */
      stillSeconds: z.number().min(0.5).max(20).default(2),
      failuresToOffline: z.number().int().min(1).max(20).default(3),
      degradedToDegraded: z.number().int().min(1).max(20).default(2),
      successesToOnline: z.number().int().min(1).max(20).default(2),
      flapping: z
        .strictObject({
          /** State changes within the window that mark a camera as flapping. */
          changes: z.number().int().min(2).max(100).default(4),
          windowMinutes: z.number().min(1).max(24 * 60).default(60),
          /** Consecutive agreeing checks that settle a flapping camera. */
          settleAfter: z.number().int().min(1).max(100).default(6),
        })
        .prefault({}),
      /** Minutes a camera stays offline or degraded before a repair ticket opens, by tier. */
      ticketAfterMinutes: z
        .strictObject({ key: minutes(10), attention: minutes(60), general: minutes(240) })
        .prefault({}),
    })
    .prefault({}),
  discovery: z
    .strictObject({
      /** Most unicast addresses one run may probe (a /20 is 4,094). */
      maxAddresses: z.number().int().min(1).max(65_536).default(4096),
      /** Unicast Probes sent per second. */
      probesPerSecond: z.number().int().min(1).max(10_000).default(200),
      /** Devices interrogated at once. */
      interrogationConcurrency: z.number().int().min(1).max(256).default(16),
      /** Deadline of each SOAP call while interrogating. */
      soapTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
      /** Accept device addresses (XAddrs) on other hosts than the one that replied. */
      allowForeignXAddrs: z.boolean().default(false),
      /** Finished runs kept for reading. */
      keepRuns: z.number().int().min(1).max(1000).default(50),
    })
    .prefault({}),
  imports: z
    .strictObject({
      /** Largest CSV file accepted, in KiB. */
      maxKb: z.number().int().min(1).max(262_144).default(20_480),
      maxRows: z.number().int().min(1).max(200_000).default(50_000),
    })
    .prefault({}),
  viewing: z
    .strictObject({
      /** Owner types whose cameras may only be watched with a stated reason. */
      reasonRequiredFor: z.array(z.enum(['government', 'business', 'residential'])).default(['business', 'residential']),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  media: z
    .strictObject({
      ffmpegPath: z.string().min(1).default('ffmpeg'),
    })
    .prefault({}),
  catalog: z
    .strictObject({
      defaultPageSize: z.number().int().min(1).max(1000).default(50),
      maxPageSize: z.number().int().min(1).max(5000).default(500),
      /** A temporary tier change may last at most this many days. */
      maxTierOverrideDays: z.number().int().min(1).max(365).default(30),
      nationalCode: z
        .strictObject({
          /** GB/T 28181 device type: 132 = network camera (IPC). */
          typeCode: z.string().regex(/^[0-9]{3}$/, 'must be 3 digits').default('132'),
          government: ownerCodes.default({ industry: '00', network: '6' }),
          business: ownerCodes.default({ industry: '02', network: '8' }),
          residential: ownerCodes.default({ industry: '01', network: '8' }),
        })
        .prefault({}),
    })
    .prefault({}),
});

export type ConfigFile = z.infer<typeof configFileSchema>;

/** The effective configuration: the file's settings, environment overrides, resolved paths and secrets. */
export interface Config extends ConfigFile {
  readonly storage: ConfigFile['storage'] & { readonly databaseFile: string };
  readonly security: ConfigFile['security'] & { readonly keyFile: string };
  readonly secrets: {
    /** From VIGIL_SECRET_KEY; never from the file, never logged. */
    readonly encryptionKey: string | null;
    /** From VIGIL_ADMIN_PASSWORD: the first admin's password on first start. */
    readonly adminPassword: string | null;
  };
  /** Where the settings came from, for the start-up log line. */
  readonly source: string;
}
