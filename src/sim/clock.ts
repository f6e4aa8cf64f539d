/** The simulated wall clock: scenarios start at the incident's own dates, then time moves on. */
export interface SimClock {
  /** Milliseconds since the epoch, in simulated time. */
  now(): number;
}

/** A clock that starts at `startMs` and advances with real time, so logs keep growing plausibly. */
export function realTimeClock(startMs: number): SimClock {
  const origin = Date.now();
  return { now: () => startMs + (Date.now() - origin) };
}

/** A clock tests move by hand, so timestamps in assertions are exact. */
export interface ManualClock extends SimClock {
  advance(ms: number): void;
  set(ms: number): void;
}

/** Creates a clock that only moves when told to. */
export function manualClock(startMs: number): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
