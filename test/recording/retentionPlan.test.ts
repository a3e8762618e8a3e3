import { describe, expect, it } from 'vitest';
import { daysHeld, type PlanCamera, planRetention } from '../../src/recording/retentionPlan.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 21);
const MB = 1_000_000;

/** `days` daily segments of `mb` MB each, the newest starting one hour ago. */
function camera(id: string, days: number, mb: number): PlanCamera {
  return {
    cameraId: id,
    segments: Array.from({ length: days }, (_, i) => ({
      path: `/rec/${id}/${days - i}`,
      startMs: NOW - 3_600_000 - (days - 1 - i) * DAY,
      size: mb * MB,
    })),
  };
}

describe('planRetention', () => {
  it('deletes by age beyond retentionDays and nothing else when space is fine', () => {
    const plan = planRetention({
      cameras: [camera('a', 10, 1)],
      nowMs: NOW,
      retentionDays: 7,
      totalBytes: 1000 * MB,
      freeBytes: 900 * MB,
      minFreePercent: 10,
    });
    expect(plan.deletions.map((d) => [d.path, d.reason])).toEqual([
      ['/rec/a/10', 'age'],
      ['/rec/a/9', 'age'],
    ]);
    expect(plan.floorUnreachable).toBe(false);
  });

  it('under the free-space floor, evens out days held across cameras (a big camera cannot evict the others)', () => {
    // Camera 'big' writes 10x the bytes; both hold 10 days. Need 60 MB back.
    const plan = planRetention({
      cameras: [camera('big', 10, 10), camera('small', 10, 1)],
      nowMs: NOW,
      retentionDays: 30,
      totalBytes: 1000 * MB,
      freeBytes: 40 * MB,
      minFreePercent: 10,
    });
    const byCamera = (id: string) => plan.deletions.filter((d) => d.cameraId === id).length;
    expect(plan.freeAfter).toBeGreaterThanOrEqual(100 * MB);
    expect(Math.abs(byCamera('big') - byCamera('small'))).toBeLessThanOrEqual(1);
    expect(plan.deletions.every((d) => d.reason === 'space')).toBe(true);
  });

  it('never deletes a camera’s newest (open) segment and says when the floor is out of reach', () => {
    const plan = planRetention({
      cameras: [camera('a', 3, 1)],
      nowMs: NOW,
      retentionDays: 30,
      totalBytes: 1000 * MB,
      freeBytes: 0,
      minFreePercent: 10,
    });
    expect(plan.deletions.map((d) => d.path)).toEqual(['/rec/a/3', '/rec/a/2']);
    expect(plan.floorUnreachable).toBe(true);
  });

  it('daysHeld is the oldest segment’s age', () => {
    expect(daysHeld(camera('a', 5, 1).segments, NOW)).toBeCloseTo(4 + 1 / 24, 3);
    expect(daysHeld([], NOW)).toBe(0);
  });
});
