import { describe, expect, it } from 'vitest';
import { buildWhy, type WhyInput, type WhyOutage } from '../../src/health/buildWhy.js';
import { initialHealthState } from '../../src/health/healthMachine.js';
import type { CameraStatusRow } from '../../src/shared/types.js';

const T = Date.UTC(2026, 4, 1, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const row: CameraStatusRow = {
  cameraId: 'cam-1',
  address: '10.0.0.41',
  class: 'overview',
  source: 'static',
  status: 'offline',
  since: iso(T - 60_000),
  reasons: ['stream_stalled'],
  stream: { codec: 'H264' },
  recording: { status: 'ok' },
  integrated: false,
  cause: 'stream_stalled',
};

const open: WhyOutage = {
  cause: 'stream_stalled',
  startedAt: iso(T - 60_000),
  startedMs: T - 60_000,
  startedMonoMs: 4_000,
  bootId: 'boot-a',
};

const noHistory: WhyInput['history'] = { known: false, transitions: [], openOutage: undefined };
const offlineHistory: WhyInput['history'] = {
  known: true,
  transitions: [{ at: iso(T - 60_000), from: 'online', to: 'offline', reasons: ['connection_refused'] }],
  openOutage: open,
};

describe('buildWhy: one answer for the daemon and for the database', () => {
  it.each<[string, WhyInput, Record<string, unknown>]>([
    [
      'database: unknown camera',
      { cameraId: 'x', now: { wallMs: T }, history: noHistory },
      { found: false, source: 'database', transitions: [] },
    ],
    [
      'database: declared, never observed',
      { cameraId: 'spare', now: { wallMs: T }, history: noHistory, declared: true },
      {
        found: true,
        status: 'unknown',
        reasons: ['not yet observed'],
        integrated: false,
        cause: 'not_yet_seen',
      },
    ],
    [
      'database: the last transition, its open outage by wall time, no evidence',
      { cameraId: 'cam-1', now: { wallMs: T }, history: offlineHistory },
      {
        status: 'offline',
        since: iso(T - 60_000),
        reasons: ['connection_refused'],
        cause: 'camera_offline',
        openOutage: { cause: 'stream_stalled', durationMs: 60_000 },
      },
    ],
    [
      'database: an up camera is not integrated with no daemon (uplink_down)',
      {
        cameraId: 'cam-1',
        now: { wallMs: T },
        history: {
          known: true,
          transitions: [{ at: iso(T), from: 'offline', to: 'online', reasons: [] }],
          openOutage: undefined,
        },
      },
      { status: 'online', integrated: false, cause: 'uplink_down' },
    ],
    [
      'daemon: the board row’s verdict; the open outage by monotonic time in the same boot',
      {
        cameraId: 'cam-1',
        now: { wallMs: T, monoMs: 50_000, bootId: 'boot-a' },
        history: offlineHistory,
        daemon: { live: undefined, row },
      },
      {
        source: 'daemon',
        status: 'offline',
        reasons: ['stream_stalled'],
        cause: 'stream_stalled',
        evidence: { stream: { codec: 'H264' }, recording: { status: 'ok' } },
        openOutage: { durationMs: 46_000 },
      },
    ],
    [
      'daemon: an open outage of an earlier boot is measured by wall time',
      {
        cameraId: 'cam-1',
        now: { wallMs: T, monoMs: 50_000, bootId: 'boot-b' },
        history: offlineHistory,
        daemon: { live: undefined, row },
      },
      { openOutage: { durationMs: 60_000 } },
    ],
    [
      'daemon: integrated has no cause',
      {
        cameraId: 'cam-1',
        now: { wallMs: T, monoMs: 50_000 },
        history: noHistory,
        daemon: {
          live: undefined,
          row: { ...row, status: 'online', reasons: [], integrated: true, cause: undefined },
        },
      },
      { found: true, status: 'online', integrated: true, cause: undefined },
    ],
    [
      'daemon: a row no one has judged yet falls back to the stream’s own cause',
      {
        cameraId: 'cam-1',
        now: { wallMs: T, monoMs: 50_000 },
        history: noHistory,
        daemon: {
          live: undefined,
          row: { ...row, status: 'unauthorized', reasons: ['unauthorized'], cause: undefined },
        },
      },
      { cause: 'unauthorized' },
    ],
  ])('%s', (_name, input, expected) => {
    expect(buildWhy(input)).toMatchObject(expected);
  });

  it('daemon: live state wins over the row, and the last packet is told in wall time', () => {
    const state = {
      ...initialHealthState(0),
      status: 'degraded' as const,
      reasons: ['fps_low 4<7.5'],
      lastPacketAt: 49_000,
      stats: { fps: 4 },
      expectedFps: 15,
      detail: 'RTP seq gap',
    };
    const doc = buildWhy({
      cameraId: 'cam-1',
      now: { wallMs: T, monoMs: 50_000, bootId: 'boot-a' },
      history: noHistory,
      daemon: { live: { state, sinceIso: iso(T - 5000) }, row },
    });
    expect(doc).toMatchObject({
      status: 'degraded',
      since: iso(T - 5000),
      reasons: ['fps_low 4<7.5'],
      cause: 'stream_stalled',
      evidence: { lastPacketAt: iso(T - 1000), stream: { fps: 4 }, expectedFps: 15, detail: 'RTP seq gap' },
    });
    expect(doc.openOutage).toBeUndefined();
  });
});
