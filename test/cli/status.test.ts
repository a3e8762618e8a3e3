import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../src/cli/commands/status.js';

describe('camgate status (text)', () => {
  it('shows planned cameras never found as missing per class (#12: a planned camera not found is not integrated)', () => {
    const text = renderStatus(
      {
        site: { id: 'korosten-01', name: 'Korosten' },
        gateway: { id: 'nvr-01' },
        version: '0.2.0',
        startedAt: '2026-12-05T00:00:00.000Z',
        cameras: [],
        summary: {
          byClass: {
            overview: { total: 2, integrated: 1, planned: 3, missing: 1 },
            panoramic: { total: 0, integrated: 0 },
            lpr: { total: 1, integrated: 1, planned: 1, missing: 0 },
          },
        },
      },
      false,
    );
    expect(text).toContain('overview 1/2 (planned 3, missing 1)');
    expect(text).toContain('lpr 1/1 (planned 1)');
    expect(text).toContain('panoramic 0/0');
  });

  it('shows why an integrated camera is degraded (issue #12: rtp_timestamps_invalid)', () => {
    const row = {
      cameraId: 'gate-1',
      address: '127.0.0.1',
      class: 'overview',
      source: 'static',
      status: 'degraded',
      since: '2026-12-05T00:00:00.000Z',
      reasons: ['rtp_timestamps_invalid constant'],
      stream: { codec: 'h264', width: 640, height: 360, fps: 25, timestampFault: 'constant' },
      recording: { status: 'off' },
      integrated: true,
    } as const;
    const text = renderStatus(
      {
        site: { id: 'korosten-01', name: 'Korosten' },
        gateway: { id: 'nvr-01' },
        version: '0.3.0',
        startedAt: '2026-12-05T00:00:00.000Z',
        cameras: [row, { ...row, cameraId: 'yard-2', status: 'online', reasons: [] }],
      },
      false,
    );
    expect(text).toMatch(/gate-1 .* degraded .* yes \(rtp_timestamps_invalid constant\)/);
    expect(text).toMatch(/yard-2 .* online .* yes$/m);
  });
});
