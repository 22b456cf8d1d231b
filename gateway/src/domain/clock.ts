/** Time as a dependency: services take a Clock so tests can set the hour (DESIGN.md §3). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
