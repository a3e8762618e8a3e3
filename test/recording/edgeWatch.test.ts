import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CameraPlan, EdgeProbe } from '../../src/recording/cameraWatch.js';
import { RecordingService } from '../../src/recording/recordingService.js';
import type { Clock } from '../../src/shared/clock.js';
import { systemClock } from '../../src/shared/clock.js';
import { type CamgateEvents, EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { tempDir, until } from './simHelpers.js';

const T0 = Date.UTC(2026, 10, 21, 1, 0, 0);
const HOUR = 3_600_000;
const dirs: string[] = [];
let service: RecordingService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function serviceFor(plans: CameraPlan[], clock: Clock, bus = new EventBus()): RecordingService {
  const dir = tempDir('camgate-edgewatch-');
  dirs.push(dir);
  service = new RecordingService(
    plans,
    { dir, segmentSeconds: 60, retentionDays: 30, minFreePercent: 1, stallSeconds: 3, externalPollMs: 0 },
    { clock, log: silentLog(), bus, gaps: { open: () => undefined, close: () => undefined } },
  );
  return service;
}

describe('edge verification on our clock', () => {
  it('field bug: a camera clock an hour ahead (offset unknown) read ok for that hour after its card stopped', async () => {
    const clock = FakeClock.at(T0, { manual: true });
    let writing = true;
    let dataUntil = 0;
    // The camera's DataUntil runs an hour ahead of us, and no offset corrects it.
    const edge: EdgeProbe = {
      latestWrite: async () => {
        if (writing) dataUntil = clock.now() + HOUR - 2000;
        return dataUntil;
      },
    };
    const bus = new EventBus();
    const events: CamgateEvents['recording.status'][] = [];
    bus.on('recording.status', (e) => events.push(e));
    const svc = serviceFor([{ cameraId: 'cam-ahead', source: 'edge', edge }], clock, bus);
    await svc.start();
    const view = () => svc.camera('cam-ahead');
    await svc.tick();
    expect(view()?.status).toBe('ok');
    // A future time never goes out as lastSegmentAt.
    expect(Date.parse(view()?.lastSegmentAt ?? '')).toBeLessThanOrEqual(clock.now());

    writing = false;
    const stoppedAt = clock.now();
    for (let t = 0; t < 100_000; t += 10_000) {
      clock.advance(10_000);
      await svc.tick();
      if (view()?.status === 'stale') break;
    }
    expect(view()?.status).toBe('stale');
    // Within the rule (segment + 30 s after the last write we saw) plus one poll.
    expect(clock.now() - stoppedAt).toBeLessThanOrEqual((60 + 30 + 10) * 1000);

    writing = true;
    clock.advance(10_000);
    await svc.tick();
    expect(view()?.status).toBe('ok');
    for (const e of events) {
      if (e.lastSegmentAt !== undefined) expect(Date.parse(e.lastSegmentAt)).toBeLessThanOrEqual(e.at);
    }
  });

  it("caps a camera's SOAP fault text in the status detail", async () => {
    const clock = FakeClock.at(T0, { manual: true });
    const huge = `ter:ActionNotSupported ${'x'.repeat(1_000_000)}`;
    const edge: EdgeProbe = { latestWrite: () => Promise.reject(new Error(huge)) };
    const svc = serviceFor([{ cameraId: 'cam-fault', source: 'edge', edge }], clock);
    await svc.start();
    await svc.tick();
    const detail = svc.camera('cam-fault')?.detail ?? '';
    expect(svc.camera('cam-fault')?.status).toBe('unknown');
    expect(detail).toMatch(/^edge storage not readable: ter:ActionNotSupported x+/);
    expect(detail.length).toBeLessThanOrEqual(260);
  });
});

describe('edge polls do not serialize the recording check', () => {
  it('eight hanging edge cameras: an external camera is judged without waiting, the check ends after one bounded wait', async () => {
    const clock = new FakeClock({ wall: Date.now(), mono: 1000 });
    const extDir = tempDir('camgate-ext-');
    dirs.push(extDir);
    fs.writeFileSync(path.join(extDir, 'clip-0001.mp4'), Buffer.alloc(100));
    let asked = 0;
    // Never answers until the service stops (a camera that accepts and then says nothing).
    const hanging: EdgeProbe = {
      latestWrite: (signal) => {
        asked += 1;
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
    };
    const plans: CameraPlan[] = [
      ...Array.from(
        { length: 8 },
        (_, i): CameraPlan => ({ cameraId: `edge-${i}`, source: 'edge', edge: hanging }),
      ),
      { cameraId: 'ext-1', source: 'external', pattern: extDir },
    ];
    const svc = serviceFor(plans, clock);
    await svc.start();
    const checking = svc.tick();
    // The fake clock has not moved: no edge wait has run out, yet the external verdict is in.
    await until(() => (svc.camera('ext-1')?.status === 'ok' ? true : undefined), 5000, 'ext-1 ok');
    expect(asked).toBe(8);
    clock.advance(1000);
    const outcome = await Promise.race([
      checking.then(() => 'done'),
      systemClock.sleep(3000).then(() => 'still waiting'),
    ]);
    expect(outcome).toBe('done');
    expect(
      svc
        .cameras()
        .filter((c) => c.source === 'edge')
        .map((c) => c.status),
    ).toEqual(Array.from({ length: 8 }, () => 'unknown'));
  });
});
