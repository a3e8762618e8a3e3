import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRecordingSummary } from '../../src/discovery/recordingSearchParsers.js';
import { RecordingService } from '../../src/recording/recordingService.js';
import { type CamgateEvents, EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { RecordingRepo } from '../../src/store/recordingRepo.js';
import { Store } from '../../src/store/store.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { tempDir } from './simHelpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A GetRecordingSummaryResponse as the mixed-ex_onvif corpus device sends it. */
const summary = (dataUntil: Date) => `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tse="http://www.onvif.org/ver10/search/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema">
  <SOAP-ENV:Body><tse:GetRecordingSummaryResponse><tse:Summary>
    <tt:DataFrom>1970-01-01T00:00:00Z</tt:DataFrom>
    <tt:DataUntil>${dataUntil.toISOString().replace('.000Z', 'Z')}</tt:DataUntil>
    <tt:NumberRecordings>8</tt:NumberRecordings>
  </tse:Summary></tse:GetRecordingSummaryResponse></SOAP-ENV:Body>
</SOAP-ENV:Envelope>`;

describe('edge (ONVIF Profile G) recording verification', () => {
  it('ok while DataUntil advances, stale within segment + 30 s once it stops, gap closed when it resumes', async () => {
    const clock = FakeClock.at(Date.UTC(2026, 10, 21, 1, 0, 0), { manual: true });
    const store = Store.open({ dir: ':memory:', log: silentLog() });
    const repo = new RecordingRepo(store.db, 'boot-edge');
    const bus = new EventBus();
    const events: CamgateEvents['recording.status'][] = [];
    bus.on('recording.status', (e) => events.push(e));
    let cameraWrites = true;
    let dataUntil = clock.now() - 5000;
    const dir = tempDir('camgate-edge-');
    dirs.push(dir);
    const service = new RecordingService(
      [
        {
          cameraId: 'cam-sd',
          source: 'edge',
          edge: {
            latestWrite: async () => {
              if (cameraWrites) dataUntil = clock.now() - 2000;
              return parseRecordingSummary(summary(new Date(dataUntil))).dataUntil;
            },
          },
        },
      ],
      { dir, segmentSeconds: 60, retentionDays: 30, minFreePercent: 1, stallSeconds: 3, externalPollMs: 0 },
      {
        clock,
        log: silentLog(),
        bus,
        gaps: {
          open: (id, c, at) => repo.openGap(id, c, at),
          close: (id, at, r) => repo.closeGap(id, at, r),
        },
      },
    );
    await service.start();
    const status = () => service.camera('cam-sd')?.status;
    await service.tick();
    expect(status()).toBe('ok');

    cameraWrites = false;
    const lastWrite = dataUntil;
    clock.advance(60_000 + 30_000 - 2000 - 1000); // last write 89 s ago: 1 s inside the limit
    await service.tick();
    expect(status()).toBe('ok');
    clock.advance(2000);
    await service.tick();
    expect(status()).toBe('stale');
    expect(repo.openGapFor('cam-sd')).toMatchObject({
      cause: 'edge_not_advancing',
      startedAt: new Date(lastWrite).toISOString(),
    });

    cameraWrites = true;
    clock.advance(10_000);
    await service.tick();
    expect(status()).toBe('ok');
    expect(repo.gaps('cam-sd')[0]?.endedAt).toBe(new Date(clock.now()).toISOString());
    expect(events.map((e) => e.status)).toEqual(['unknown', 'ok', 'stale', 'ok']);
    await service.stop();
    store.close();
  });
});
