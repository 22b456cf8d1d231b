/**
 * Address mapping of the credential proxy (pure). ffmpeg talks to
 * `rtsp://127.0.0.1:<port>/<id><camera path>`; the proxy talks to the camera. Absolute URLs the
 * camera sends back (Content-Base, RTP-Info, SDP a=control) are turned into proxy URLs whatever
 * host they name — a camera behind NAT often names its own LAN address.
 */
const ABSOLUTE_RTSP = /rtsps?:\/\/[^/\s;,"'>]+/gi;

export interface UrlMap {
  /** rtsp://127.0.0.1:<port>/<id> */
  readonly proxyBase: string;
  /** rtsp://host:port or rtsps://host:port of the camera. */
  readonly upstreamOrigin: string;
}

/** A URL from ffmpeg → the camera's; anything not under the proxy base is left alone. */
export function toUpstream(map: UrlMap, url: string): string {
  if (url === map.proxyBase) return `${map.upstreamOrigin}/`;
  if (url.startsWith(`${map.proxyBase}/`) || url.startsWith(`${map.proxyBase}?`)) return map.upstreamOrigin + url.slice(map.proxyBase.length);
  return url;
}

/** Text from the camera → every absolute rtsp(s) URL re-rooted at the proxy. */
export function toProxy(map: UrlMap, text: string): string {
  return text.replace(ABSOLUTE_RTSP, map.proxyBase);
}

/** The origin (scheme://authority) and the rest (path and query) of a camera URL. */
export function splitUpstream(url: string): { origin: string; rest: string } {
  const match = /^(rtsps?:\/\/[^/?#]+)(.*)$/i.exec(url);
  if (!match) throw new Error('not an rtsp URL');
  return { origin: match[1]!, rest: match[2] || '/' };
}
