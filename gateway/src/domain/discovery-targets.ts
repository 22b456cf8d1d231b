/**
 * Unicast discovery targets as people write them: "host:port" or "a.b.c.d/prefix:port"
 * (IPv4 CIDR). Pure: parsing, validation and a bounded expansion into addresses.
 */
export interface UnicastTarget {
  readonly host: string;
  readonly port: number;
}

export type TargetParse = { readonly ok: true; readonly targets: readonly UnicastTarget[] } | { readonly ok: false; readonly index: number; readonly reason: string };

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/**
 * Expands the targets, refusing more than `maxAddresses` in all (a /16 is 65,536 probes: too
 * many for one run). Network and broadcast addresses of a CIDR below /31 are skipped.
 */
export function parseDiscoveryTargets(raw: readonly string[], maxAddresses: number): TargetParse {
  const targets: UnicastTarget[] = [];
  const seen = new Set<string>();
  for (const [index, text] of raw.entries()) {
    const m = /^(.+):(\d{1,5})$/.exec(text.trim());
    if (!m) return { ok: false, index, reason: 'expected host:port or a.b.c.d/prefix:port' };
    const port = Number(m[2]);
    if (port < 1 || port > 65535) return { ok: false, index, reason: 'port out of range' };
    const spec = m[1]!;
    const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(spec);
    let hosts: string[];
    if (cidr) {
      const prefix = Number(cidr[2]);
      if (!IPV4.test(cidr[1]!) || prefix > 32) return { ok: false, index, reason: 'invalid CIDR' };
      const size = 2 ** (32 - prefix);
      if (targets.length + size > maxAddresses + 2) return { ok: false, index, reason: `more than ${maxAddresses} addresses in all` };
      const base = ipToInt(cidr[1]!) - (ipToInt(cidr[1]!) % size);
      const skipEnds = prefix < 31 ? 1 : 0;
      hosts = [];
      for (let i = skipEnds; i < size - skipEnds; i++) hosts.push(intToIp(base + i));
    } else if (IPV4.test(spec) || HOST.test(spec)) {
      hosts = [spec.toLowerCase()];
    } else {
      return { ok: false, index, reason: 'invalid host' };
    }
    for (const host of hosts) {
      const key = `${host}:${port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      targets.push({ host, port });
      if (targets.length > maxAddresses) return { ok: false, index, reason: `more than ${maxAddresses} addresses in all` };
    }
  }
  return { ok: true, targets };
}
