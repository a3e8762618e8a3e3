import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/health/timeWindow.js';
import { formatDuration, renderWhy, type WhyDoc } from '../../src/health/whyReport.js';
import { INTEGRATION_CAUSE_TABLE } from '../../src/shared/causes.js';

describe('renderWhy', () => {
  it('answers first, then the evidence', () => {
    const doc: WhyDoc = {
      found: true,
      cameraId: 'gate-lpr-1',
      source: 'daemon',
      status: 'degraded',
      since: '2026-05-01T10:00:00.000Z',
      reasons: ['fps_low 4.9<7.5'],
      integrated: false,
      cause: 'recording_stale',
      evidence: {
        lastPacketAt: '2026-05-01T10:05:00.000Z',
        stream: {
          codec: 'H264',
          width: 1920,
          height: 1080,
          fps: 4.9,
          bitrateKbps: 2048,
          lossPct: 0.2,
          keyframeIntervalS: 2,
        },
        expectedFps: 15,
        detail: 'RTP seq gap',
        recording: { status: 'stale', lastSegmentAt: '2026-05-01T09:00:00.000Z' },
      },
      openOutage: { cause: 'stream_stalled', startedAt: '2026-05-01T09:58:00.000Z', durationMs: 3_725_000 },
      transitions: [
        { at: '2026-05-01T10:00:00.000Z', from: 'online', to: 'degraded', reasons: ['fps_low 4.9<7.5'] },
      ],
    };
    expect(renderWhy(doc).split('\n')).toEqual([
      'camera gate-lpr-1: degraded since 2026-05-01T10:00:00.000Z, not integrated (cause: recording_stale)',
      // The cause table's line and next step (shared/causes.ts), right under the verdict.
      `  means: ${INTEGRATION_CAUSE_TABLE.recording_stale.explanation}`,
      `  next step: ${INTEGRATION_CAUSE_TABLE.recording_stale.nextStep}`,
      '  reasons: fps_low 4.9<7.5',
      '  last packet: 2026-05-01T10:05:00.000Z',
      '  stream: H264, 1920x1080, 4.9 fps (expected 15), 2048 kbit/s, loss 0.2%, keyframe every 2 s',
      '  detail: RTP seq gap',
      '  recording: stale (last segment 2026-05-01T09:00:00.000Z)',
      '  open outage: stream_stalled since 2026-05-01T09:58:00.000Z (1h 2m 5s)',
      '  last transitions:',
      '    2026-05-01T10:00:00.000Z  online -> degraded  fps_low 4.9<7.5',
    ]);
  });

  it('an integrated camera with little evidence, and an unknown one', () => {
    expect(
      renderWhy({
        found: true,
        cameraId: 'c',
        source: 'daemon',
        integrated: true,
        evidence: { stream: { fps: 25 }, recording: { status: 'off' } },
        transitions: [],
      }),
    ).toBe('camera c: unknown since ?, integrated\n  stream: 25 fps\n  recording: off');
    expect(renderWhy({ found: false, cameraId: 'x', source: 'database', transitions: [] })).toBe(
      'camera x: unknown to this gateway',
    );
  });

  it('says where fps comes from when the RTP timestamps are unusable (issue #12)', () => {
    const text = renderWhy({
      found: true,
      cameraId: 'gate',
      source: 'daemon',
      status: 'degraded',
      since: '2026-05-01T10:00:00.000Z',
      reasons: ['rtp_timestamps_invalid constant'],
      integrated: true,
      evidence: { stream: { codec: 'h264', width: 640, height: 360, fps: 25, timestampFault: 'constant' } },
      transitions: [],
    });
    expect(text.split('\n')).toEqual([
      'camera gate: degraded since 2026-05-01T10:00:00.000Z, integrated',
      '  reasons: rtp_timestamps_invalid constant',
      '  stream: h264, 640x360, 25 fps, RTP timestamps constant: fps and keyframe interval from arrival times',
    ]);
  });

  it.each([
    [0, '0s'],
    [59_400, '59s'],
    [90_000, '1m 30s'],
    [3_600_000, '1h 0m 0s'],
    [-5, '0s'],
  ])('formatDuration(%d) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('parseSince', () => {
  it.each([
    ['2026-05-01', Date.UTC(2026, 4, 1)],
    ['2026-05-01T10:00:00Z', Date.UTC(2026, 4, 1, 10)],
    ['2026-05-01T10:00:00+03:00', Date.UTC(2026, 4, 1, 7)],
    ['', undefined],
    [null, undefined],
  ])('%s', (text, ms) => expect(parseSince(text)).toBe(ms));

  it.each(['May 1', '1714550400', '2026-13-45', 'yesterday'])('rejects %s naming the argument', (text) => {
    expect(() => parseSince(text, '--since')).toThrow(/^--since: /);
  });
});
