import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const NAMED_NAMESPACES = '/run/netns';

/**
 * True when this process runs inside a network namespace made with `ip netns add` (one of those
 * bound under /run/netns), not in the machine's own. Multicast is only ever allowed there:
 * nothing may go out of a real interface (DESIGN.md §5). Comparing with PID 1's namespace does
 * not work on every machine (reading /proc/1/ns is refused in some sandboxes), so the check
 * compares namespace inodes with the named ones instead.
 */
export function inPrivateNetworkNamespace(): boolean {
  try {
    const self = statSync('/proc/self/ns/net').ino;
    return readdirSync(NAMED_NAMESPACES).some((name) => {
      try {
        return statSync(path.join(NAMED_NAMESPACES, name)).ino === self;
      } catch {
        return false;
      }
    });
  } catch {
    // No /run/netns, or no /proc: cannot be inside a namespace of ours.
    return false;
  }
}
