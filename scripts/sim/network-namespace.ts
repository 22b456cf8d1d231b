import { readlinkSync } from 'node:fs';

/**
 * True when this process runs in a network namespace of its own (made with `ip netns add`),
 * not in the machine's. Multicast is only ever allowed there: nothing may go out of a real
 * interface (DESIGN.md §5).
 */
export function inPrivateNetworkNamespace(): boolean {
  try {
    return readlinkSync('/proc/self/ns/net') !== readlinkSync('/proc/1/ns/net');
  } catch {
    // Cannot tell (no /proc, or not allowed to look at PID 1): assume the host namespace.
    return false;
  }
}
