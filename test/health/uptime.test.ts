import { describe, expect, it } from 'vitest';
import { downWithin, type OutageSpan, restoredCameras, uptimeByCamera } from '../../src/health/uptime.js';

const H = 3_600_000;
const span = (
  cameraId: string,
  startH: number,
  endH: number | undefined,
  durationMs: number,
  endReason?: string,
): OutageSpan => ({
  cameraId,
  startedMs: startH * H,
  endedMs: endH === undefined ? undefined : endH * H,
  durationMs,
  endReason,
});

describe('downWithin', () => {
  it.each([
    ['wholly inside: the monotonic duration wins over the wall span', span('c', 1, 2, 0.5 * H), 0.5 * H],
    ['cut by the window start', span('c', -1, 1, 2 * H), 1 * H],
    ['cut by the window end', span('c', 9, 12, 3 * H), 1 * H],
    ['outside', span('c', 11, 12, H), 0],
    ['open, counted to now', span('c', 8, undefined, 2 * H), 2 * H],
  ])('%s', (_name, o, ms) => {
    expect(downWithin(o, { fromMs: 0, toMs: 10 * H }, 10 * H)).toBe(ms);
  });
});

describe('uptimeByCamera', () => {
  it('subtracts reboot gaps from the observed time and never goes below 0 %', () => {
    const rows = uptimeByCamera(
      ['a', 'b'],
      new Set(['a', 'b']),
      [span('a', 0, 10, 10 * H), span('b', 1, 2, H)],
      [{ fromMs: 5 * H, toMs: 7 * H }],
      { fromMs: 0, toMs: 10 * H },
      10 * H,
    );
    expect(rows).toEqual([
      { cameraId: 'a', outages: 1, downMs: 8 * H, unobservedMs: 2 * H, uptimePct: 0 },
      { cameraId: 'b', outages: 1, downMs: H, unobservedMs: 2 * H, uptimePct: 87.5 },
    ]);
  });

  it('a window the gateway never ran in has no figure', () => {
    const [row] = uptimeByCamera(
      ['a'],
      new Set(['a']),
      [],
      [{ fromMs: 0, toMs: H }],
      { fromMs: 0, toMs: H },
      H,
    );
    expect(row?.uptimePct).toBeNull();
  });
});

describe('restoredCameras', () => {
  it('counts cameras whose last outage in the window ended by its end, not removed ones', () => {
    const outages = [
      span('back', 1, 2, H, 'restored'),
      span('twice', 1, 2, H, 'restored'),
      span('twice', 3, 4, H, 'gap_reboot'),
      span('still-down', 5, undefined, 5 * H),
      span('ends-late', 9, 11, 2 * H, 'restored'),
      span('gone', 1, 2, H, 'removed'),
      span('before', -3, -2, H, 'restored'),
    ];
    expect(restoredCameras(outages, { fromMs: 0, toMs: 10 * H }, 12 * H)).toEqual([
      { cameraId: 'back', outages: 1, downMs: H, restoredAtMs: 2 * H },
      { cameraId: 'twice', outages: 2, downMs: 2 * H, restoredAtMs: 4 * H },
    ]);
  });
});
