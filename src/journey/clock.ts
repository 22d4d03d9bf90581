/**
 * The journey's clock: the time, and timers at a given time (the live status changes at known instants).
 * Tests inject a manual clock so that 45 s pass without waiting.
 */
export interface Clock {
  now(): number;
  /** Calls `callback` once the clock reaches `time` (epoch ms); returns a function that cancels it. */
  at(time: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  at(time, callback) {
    const timer = setTimeout(callback, Math.max(0, time - Date.now()));
    return () => clearTimeout(timer);
  },
};
