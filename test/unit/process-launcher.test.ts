import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../gateway/src/logging/logger.js';
import { ProcessLauncher } from '../../gateway/src/adapters/process/process-launcher.js';

const errors: unknown[][] = [];
const logger = { error: (...args: unknown[]) => errors.push(args) } as unknown as Logger;
let launcher: ProcessLauncher | null = null;

afterEach(async () => {
  await launcher?.stop();
  launcher = null;
  errors.length = 0;
});

/** Processes of a group that are not zombies (an orphaned zombie may wait long for init here). */
function liveMembersOfGroup(pgid: number): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((e) => {
    try {
      // pid (comm) state ppid pgrp …; comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z' ? [Number(e)] : [];
    } catch {
      return [];
    }
  });
}

describe('ProcessLauncher (children started from worker threads)', () => {
  it('reports the pid, every stderr line and the exit code', async () => {
    launcher = new ProcessLauncher(logger);
    const child = launcher.launch('sh', ['-c', 'echo one >&2; echo two >&2; exit 3']);
    const lines: string[] = [];
    child.on('line', (l) => lines.push(l));
    const [pid] = await once(child, 'spawn');
    expect(pid).toBeGreaterThan(1);
    const [code, signal] = await once(child, 'exit');
    expect([code, signal, lines]).toEqual([3, null, ['one', 'two']]);
    expect(child.exited).toBe(true);
  });

  it('starts the child in its own process group, and a kill asked for before the pid arrives still lands', async () => {
    launcher = new ProcessLauncher(logger);
    const child = launcher.launch('sh', ['-c', 'sleep 30 & wait']);
    child.kill('SIGTERM'); // pid not known yet: sent once it is
    const [, signal] = await once(child, 'exit');
    expect(signal).toBe('SIGTERM');
    const pid = child.pid!;
    // The group's other member (sleep) went too: the signal went to the whole group.
    await new Promise((r) => setTimeout(r, 100));
    expect(liveMembersOfGroup(pid)).toEqual([]);
  });

  it('spreads children over its threads and reports a failed start as an exit', async () => {
    launcher = new ProcessLauncher(logger, 2);
    const children = Array.from({ length: 4 }, () => launcher!.launch('true', []));
    const codes = await Promise.all(children.map((c) => once(c, 'exit').then(([code]) => code as number | null)));
    expect(codes).toEqual([0, 0, 0, 0]);
    const missing = launcher.launch('/nonexistent/vigil-no-such-binary', []);
    const [code] = await once(missing, 'exit');
    expect(code).toBeNull();
    expect(missing.pid).toBeUndefined();
  });

  it('runs a short child to its end and hands back the tail of its stdout and stderr', async () => {
    launcher = new ProcessLauncher(logger);
    const result = await launcher.run('sh', ['-c', 'printf 0123456789; printf abcdefghij >&2; exit 4'], { stdout: { maxBytes: 4, overflow: 'keep-tail' }, stderrBytes: 3 }, 10_000);
    expect(result).toMatchObject({ code: 4, signal: null, overflowed: true, timedOut: false });
    expect([result.stdout.toString(), result.stderr.toString()]).toEqual(['6789', 'hij']);
    const whole = await launcher.run('sh', ['-c', 'printf picture'], { stdout: { maxBytes: 1024, overflow: 'kill' }, stderrBytes: 0 }, 10_000);
    expect([whole.code, whole.stdout.toString(), whole.overflowed]).toEqual([0, 'picture', false]);
  });

  it('kills a run whose stdout passes its limit, or that runs past its time, with its whole group', async () => {
    launcher = new ProcessLauncher(logger);
    const runaway = await launcher.run('sh', ['-c', 'yes picture & wait'], { stdout: { maxBytes: 100_000, overflow: 'kill' }, stderrBytes: 0 }, 10_000);
    expect([runaway.signal, runaway.overflowed, runaway.timedOut, runaway.stdout.length]).toEqual(['SIGKILL', true, false, 0]);
    const slow = await launcher.run('sh', ['-c', 'sleep 30 & wait'], { stdout: { maxBytes: 10, overflow: 'kill' }, stderrBytes: 10 }, 300);
    expect([slow.signal, slow.timedOut]).toEqual(['SIGKILL', true]);
  });

  it('reports the children of a thread that ends as killed', async () => {
    launcher = new ProcessLauncher(logger, 1);
    const child = launcher.launch('sleep', ['30']);
    const [pid] = (await once(child, 'spawn')) as [number];
    const exit = once(child, 'exit');
    await launcher.stop();
    launcher = null;
    expect((await exit)[1]).toBe('SIGKILL');
    // PR_SET_PDEATHSIG is not set here (the relays add it through setpriv); clean up by hand.
    process.kill(-pid, 'SIGKILL');
  });
});
