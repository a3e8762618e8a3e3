import { describe, expect, it } from 'vitest';
import { judgeRecording, type RecordingEvidence } from '../../src/recording/recordingRule.js';

const o = { segmentSeconds: 60, stallSeconds: 3 };
const T = 1_000_000;

describe('judgeRecording', () => {
  const cases: Array<[string, RecordingEvidence, number, string]> = [
    ['no source is off', { source: 'none', watchingSince: T }, T, 'off'],
    [
      'edge, search service unreachable long after the last write: we cannot tell, so unknown not stale',
      {
        source: 'edge',
        watchingSince: T,
        lastWriteAt: T,
        unverifiable: 'edge storage not readable: no answer from 127.0.0.9:80 within 5000 ms',
      },
      T + 600_000,
      'unknown',
    ],
    [
      'edge, DataUntil 89 s old at segment 60: still ok',
      { source: 'edge', watchingSince: T, lastWriteAt: T },
      T + 89_000,
      'ok',
    ],
    [
      'edge, DataUntil 91 s old at segment 60: stale',
      { source: 'edge', watchingSince: T + 80_000, lastWriteAt: T },
      T + 91_000,
      'stale',
    ],
    [
      'own, just started, nothing yet',
      { source: 'own', watchingSince: T, recorderRunning: true },
      T + 2000,
      'unknown',
    ],
    [
      'own, progressing and a fresh segment',
      {
        source: 'own',
        watchingSince: T,
        lastProgressAt: T + 9000,
        lastWriteAt: T + 1000,
        recorderRunning: true,
      },
      T + 10_000,
      'ok',
    ],
    [
      'own, progress stalled 7 s (3 + 3 grace exceeded)',
      { source: 'own', watchingSince: T, lastProgressAt: T + 10_000, lastWriteAt: T + 10_000 },
      T + 17_000,
      'stale',
    ],
    [
      'own, progress stalled 5 s (within grace)',
      { source: 'own', watchingSince: T, lastProgressAt: T + 10_000, lastWriteAt: T + 10_000 },
      T + 15_000,
      'ok',
    ],
    [
      'own, progress fine but no new segment for 91 s',
      { source: 'own', watchingSince: T, lastProgressAt: T + 100_000, lastWriteAt: T + 10_000 },
      T + 101_000,
      'stale',
    ],
    [
      'own, crash loop',
      { source: 'own', watchingSince: T, failure: 'recorder crash loop' },
      T + 1000,
      'stale',
    ],
    [
      'external, written 80 s ago (< 60 + 30)',
      { source: 'external', watchingSince: T, lastWriteAt: T + 20_000 },
      T + 100_000,
      'ok',
    ],
    [
      'external, written 95 s ago',
      { source: 'external', watchingSince: T, lastWriteAt: T + 5000 },
      T + 100_000,
      'stale',
    ],
    [
      'external, files an hour old when we start watching: stopped already',
      { source: 'external', watchingSince: T, lastWriteAt: T - 3_600_000 },
      T + 10_000,
      'stale',
    ],
    ['edge, DataUntil never seen after grace', { source: 'edge', watchingSince: T }, T + 91_000, 'stale'],
    [
      'own, old segments from before a daemon restart: grace while the new recorder starts',
      {
        source: 'own',
        watchingSince: T,
        lastWriteAt: T - 3_600_000,
        lastProgressAt: T + 1000,
        recorderRunning: true,
      },
      T + 2000,
      'unknown',
    ],
    [
      'own, recorder exited: stale once stall + grace passed since the last progress',
      {
        source: 'own',
        watchingSince: T,
        lastWriteAt: T + 30_000,
        lastProgressAt: T + 40_000,
        recorderRunning: false,
      },
      T + 46_500,
      'stale',
    ],
  ];
  it.each(cases)('%s', (_name, evidence, now, status) => {
    expect(judgeRecording(evidence, now, o).status).toBe(status);
  });
});
