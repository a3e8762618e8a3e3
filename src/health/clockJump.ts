/** One reading of both clocks, taken together. */
export interface ClockReading {
  readonly wall: number;
  readonly mono: number;
}

/**
 * NTP steps (and an RTC-less NVR booting in 1970 then syncing) move the wall clock but not the
 * monotonic one. Slew corrections are a few ms per tick; 2 s between ticks is a step.
 */
export const CLOCK_JUMP_THRESHOLD_MS = 2000;

/** The wall-clock step between two readings (positive: wall jumped forward), or undefined. */
export function detectClockJump(
  prev: ClockReading,
  next: ClockReading,
  thresholdMs: number = CLOCK_JUMP_THRESHOLD_MS,
): number | undefined {
  const jump = next.wall - prev.wall - (next.mono - prev.mono);
  return Math.abs(jump) > thresholdMs ? jump : undefined;
}
