/**
 * HLS viewers as a load generator in a process of its own (forked by relay.bench.ts), so that its
 * own work is not counted against the gateway's event loop or timed on the benchmark's. In
 * 'segments' mode each viewer asks for its playlist every second and fetches every new segment,
 * joining at the live edge as hls.js does. In 'parts' mode each is an LL-HLS player: a blocking
 * playlist request for the next part, then that part, again and again. Stream addresses carry
 * tokens: they arrive over the IPC channel, never in argv. Bounded by the `seconds` it is given;
 * replies once and exits.
 */
import http from 'node:http';

interface Job {
  base: string;
  urls: string[];
  seconds: number;
  mode: 'segments' | 'parts';
}

export interface ViewersResult {
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** Playlist request → whole answer, ms ('segments' mode: none is held). */
  playlistMs: number[];
  /** 'parts' mode: for each new part, how much later than its duration it came after the last one, ms. */
  partLatenessMs: number[];
  segmentBytes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Answer = { status: number; body: Buffer; bytes: number };

/**
 * One GET; the body is kept only when asked for (segments are counted, not copied). A kept-alive
 * connection that the server closed just as it was reused is tried once more on a new one, as
 * browsers do (and as Node's documentation of `request.reusedSocket` advises).
 */
async function get(agent: http.Agent, url: string, keep: boolean): Promise<Answer> {
  try {
    return await getOnce(agent, url, keep);
  } catch (err) {
    if (!(err instanceof Error && 'reusedSocket' in err)) throw err;
    return getOnce(agent, url, keep);
  }
}

function getOnce(agent: http.Agent, url: string, keep: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (keep) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up');
      reject(stale ? Object.assign(err, { reusedSocket: true }) : err);
    });
  });
}

/** The last part a playlist lists: its segment, index and duration. */
function lastPart(playlist: string): { msn: number; index: number; uri: string; seconds: number } | null {
  const parts = [...playlist.matchAll(/#EXT-X-PART:DURATION=([\d.]+),URI="(part_(\d+)_(\d+)\.m4s)"/g)];
  const last = parts.at(-1);
  return last ? { seconds: Number(last[1]), uri: last[2]!, msn: Number(last[3]), index: Number(last[4]) } : null;
}

/** One LL-HLS viewer: blocking playlist requests for the next part, each new part fetched. */
async function watchParts(agent: http.Agent, job: Job, url: string, result: ViewersResult, failed: (kind: string) => void, until: number): Promise<void> {
  let last: { msn: number; index: number; at: number } | null = null;
  while (Date.now() < until) {
    try {
      const next = last ? `${job.base + url}?_HLS_msn=${last.msn}&_HLS_part=${last.index + 1}` : job.base + url;
      const playlist = await get(agent, next, true);
      result.requests += 1;
      if (playlist.status !== 200) {
        failed(`playlist ${playlist.status}`);
        await sleep(1000);
        continue;
      }
      const part = lastPart(playlist.body.toString());
      if (!part || (last && part.msn === last.msn && part.index === last.index)) continue;
      const fetched = await get(agent, job.base + url.replace('index.m3u8', part.uri), false);
      result.requests += 1;
      result.segmentBytes += fetched.bytes;
      if (fetched.status !== 200) failed(`part ${fetched.status}`);
      const now = Date.now();
      // One part a round: a late one shows as lateness, a skipped one (two came at once) as early.
      if (last) result.partLatenessMs.push(now - last.at - part.seconds * 1000);
      last = { msn: part.msn, index: part.index, at: now };
    } catch (err) {
      result.requests += 1;
      failed(err instanceof Error ? err.message.slice(0, 40) : 'error');
      await sleep(1000);
    }
  }
}

async function run(job: Job): Promise<ViewersResult> {
  const agent = new http.Agent({ keepAlive: true });
  const result: ViewersResult = { requests: 0, errors: 0, errorKinds: {}, playlistMs: [], partLatenessMs: [], segmentBytes: 0 };
  const failed = (kind: string) => {
    result.errors += 1;
    result.errorKinds[kind] = (result.errorKinds[kind] ?? 0) + 1;
  };
  const until = Date.now() + job.seconds * 1000;
  await Promise.all(
    job.urls.map(async (url) => {
      if (job.mode === 'parts') return watchParts(agent, job, url, result, failed, until);
      const seen = new Set<string>();
      while (Date.now() < until) {
        const round = Date.now();
        try {
          const t0 = performance.now();
          const playlist = await get(agent, job.base + url, true);
          result.playlistMs.push(performance.now() - t0);
          result.requests += 1;
          if (playlist.status !== 200) failed(`playlist ${playlist.status}`);
          const listed = playlist.body.toString().split('\n').filter((l) => l.startsWith('seg_'));
          // A live player joins at the live edge (hls.js: 3 segments back), not at the oldest
          // segment still listed; after that it fetches each new one.
          const wanted = seen.size === 0 ? listed.slice(-3) : listed;
          for (const seg of wanted) {
            if (seen.has(seg)) continue;
            seen.add(seg);
            const segment = await get(agent, job.base + url.replace('index.m3u8', seg), false);
            result.requests += 1;
            result.segmentBytes += segment.bytes;
            if (segment.status !== 200) failed(`segment ${segment.status}`);
          }
        } catch (err) {
          result.requests += 1;
          failed(err instanceof Error ? err.message.slice(0, 40) : 'error');
        }
        await sleep(Math.max(0, 1000 - (Date.now() - round)));
      }
    }),
  );
  agent.destroy();
  return result;
}

process.once('message', (job: Job) => {
  void run(job).then((result) => process.send!(result, () => process.exit(0)));
});
