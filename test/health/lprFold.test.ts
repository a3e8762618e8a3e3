import { describe, expect, it } from 'vitest';
import { foldLpr, type StreamState } from '../../src/health/lprFold.js';
import type { LprView } from '../../src/shared/types.js';

const since = '2026-12-05T08:00:00.000Z';
const lprSince = '2026-12-05T09:00:00.000Z';
const view = (status: LprView['status']): LprView => ({ status, readsLastHour: 0, topic: null });
const s = (status: StreamState['status'], reasons: string[] = []): StreamState => ({
  status,
  reasons,
  since,
});

describe('foldLpr', () => {
  it.each([
    [
      'online, no_reads → degraded since the verdict',
      s('online'),
      'no_reads',
      { status: 'degraded', reasons: ['lpr_no_reads'], since: lprSince },
    ],
    [
      'degraded (fps), no_reads → both reasons, stream since',
      s('degraded', ['fps_low 5<12.5']),
      'no_reads',
      { status: 'degraded', reasons: ['fps_low 5<12.5', 'lpr_no_reads'], since },
    ],
    [
      'offline, no_reads → the stream view',
      s('offline', ['connection_refused']),
      'no_reads',
      { status: 'offline', reasons: ['connection_refused'], since },
    ],
    [
      'unauthorized, no_reads → the stream view',
      s('unauthorized', ['unauthorized']),
      'no_reads',
      { status: 'unauthorized', reasons: ['unauthorized'], since },
    ],
    ['online, ok → online', s('online'), 'ok', { status: 'online', reasons: [], since }],
    [
      'online, error → online (an event-service failure is not a reason)',
      s('online'),
      'error',
      { status: 'online', reasons: [], since },
    ],
    [
      'a stale token is never kept',
      s('online', ['lpr_no_reads']),
      'ok',
      { status: 'online', reasons: [], since },
    ],
  ] as const)('%s', (_name, stream, status, expected) => {
    expect(foldLpr(stream, view(status), lprSince)).toEqual(expected);
  });

  it('no verdict yet: the stream as it is', () => {
    expect(foldLpr(s('online', ['x']), undefined, undefined)).toEqual(s('online', ['x']));
  });
});
