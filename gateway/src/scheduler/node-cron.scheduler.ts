import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from '../logging/logger.js';
import type { Scheduler } from './scheduler.js';

/** A cron expression with seconds for "every n seconds" (n divides 60) or "every n minutes". */
export function cronEvery(seconds: number): string {
  if (seconds < 60 && 60 % seconds === 0) return `*/${seconds} * * * * *`;
  const minutes = seconds / 60;
  if (Number.isInteger(minutes) && minutes < 60 && 60 % minutes === 0) return `0 */${minutes} * * * *`;
  throw new Error(`scheduler: ${seconds} s is not a divisor of a minute or an hour`);
}

/** node-cron 4 behind the Scheduler interface: noOverlap with a logger, as DESIGN.md §6 asks. */
export class NodeCronScheduler implements Scheduler {
  readonly #tasks: ScheduledTask[] = [];

  constructor(private readonly logger: Logger) {}

  every(name: string, everySeconds: number, job: () => Promise<void>): void {
    const log = this.logger.child({ task: name });
    const task = createTask(
      cronEvery(everySeconds),
      async () => {
        try {
          await job();
        } catch (err) {
          log.error({ err }, 'scheduled job failed');
        }
      },
      {
        name,
        noOverlap: true,
        logger: {
          info: (m) => log.debug(m),
          warn: (m) => log.debug(m),
          error: (m, err) => log.error({ err: err ?? m }, 'node-cron'),
          debug: (m) => log.trace({ m: String(m) }, 'node-cron'),
        },
      },
    );
    this.#tasks.push(task);
    void task.start();
  }

  async stop(): Promise<void> {
    for (const task of this.#tasks.splice(0)) await task.destroy();
  }
}
