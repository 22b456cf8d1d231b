/**
 * Periodic work behind a small interface (DESIGN.md §3): services say what runs how often; the
 * implementation (node-cron in production) decides how. Tests drive services directly instead.
 */
export interface Scheduler {
  /**
   * Runs `job` every `everySeconds` (a divisor of 60, or a whole number of minutes dividing 60).
   * A run never overlaps the previous one; a job's failure is logged, never thrown.
   */
  every(name: string, everySeconds: number, job: () => Promise<void>): void;
  stop(): Promise<void>;
}
