import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStartTime, reapOrphans, writePidFile } from '../../gateway/src/relay/relay-pid-files.js';

describe('relay pid files', () => {
  it('keep the pid and its start time', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'vigil-pid-'));
    const file = writePidFile(root, 'cam-1:sub:copy', process.pid);
    expect(path.basename(file)).toBe('cam-1_sub_copy.pid');
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid} ${processStartTime(process.pid)}`);
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(processStartTime(2 ** 22 + 1)).toBeNull(); // above pid_max: never a process
  });

  it('reap only the processes they were written for, then empty the root', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'vigil-reap-'));
    mkdirSync(path.join(root, 'cam_sub')); // a segment folder as older versions left them
    const ours = spawn('sleep', ['30'], { stdio: 'ignore' });
    const reused = spawn('sleep', ['30'], { stdio: 'ignore' });
    writePidFile(root, 'a', ours.pid!);
    // A pid file whose process is gone and whose pid now belongs to another: a start time that does not match.
    writeFileSync(path.join(root, 'b.pid'), `${reused.pid!} 1`);
    // Garbage and an older format without a start time: never a reason to kill.
    writeFileSync(path.join(root, 'c.pid'), 'not a pid');
    writeFileSync(path.join(root, 'd.pid'), String(reused.pid!));
    writeFileSync(path.join(root, 'e.pid'), `1 ${processStartTime(1) ?? '0'}`);
    const killed: number[] = [];
    expect(reapOrphans(root, (pid) => killed.push(pid))).toBe(1);
    expect(killed).toEqual([ours.pid]);
    expect(existsSync(path.join(root, 'cam_sub'))).toBe(false);
    expect(existsSync(path.join(root, 'a.pid'))).toBe(false);
    ours.kill('SIGKILL');
    reused.kill('SIGKILL');
  });

  it('create a missing root', () => {
    const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'vigil-root-')), 'relays');
    expect(reapOrphans(root, () => undefined)).toBe(0);
    expect(existsSync(root)).toBe(true);
  });
});
