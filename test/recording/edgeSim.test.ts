import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { edgeProbeFor } from '../../src/app/edgeProbes.js';
import { credentialFor } from '../../src/config/credentials.js';
import { configSchema } from '../../src/config/schema.js';
import { planFor } from '../../src/recording/recordingPlans.js';
import { RecordingService } from '../../src/recording/recordingService.js';
import { systemClock } from '../../src/shared/clock.js';
import { type CamgateEvents, EventBus } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { systemNet } from '../../src/shared/net.js';
import { RecordingRepo } from '../../src/store/recordingRepo.js';
import { Store } from '../../src/store/store.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { SIM_PASSWORD, SIM_USER, tempDir, until } from './simHelpers.js';

const IDS = ['edge-hik', 'edge-dvc', 'edge-garbage', 'edge-hang'] as const;
const SEGMENT_SECONDS = 1;
const HANG_DEADLINE_MS = 2000;

let site: SimSite;
let service: RecordingService | undefined;
let store: Store | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  site = await startSite({
    cameras: [{ kind: 'overview' }, { kind: 'lpr' }, { kind: 'overview' }, { kind: 'overview' }],
    baseAddress: testBase(28),
    discovery: false,
    onvifPort: 18280,
    rtspPort: 18281,
    username: SIM_USER,
    password: SIM_PASSWORD,
  });
}, 120_000);
afterAll(async () => {
  await service?.stop();
  store?.close();
  await site?.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('edge recording verified over ONVIF Profile G against the simulator (loopback HTTP, Digest)', () => {
  it('ok while the card records; stale within segment + 30 s once it stops, gap opened; ok and gap closed when it resumes; garbage and hanging cameras are unknown and disturb no other', async () => {
    const cams = site.cameras;
    const config = configSchema.parse({
      site: { id: 'edge-site' },
      gateway: { id: 'gw-edge' },
      discovery: { multicast: false },
      credentials: [
        {
          match: `${cams[0]?.address.split('.').slice(0, 3).join('.')}.0/24`,
          username: SIM_USER,
          password: SIM_PASSWORD,
        },
      ],
      recording: { edge: IDS.map((camera) => ({ camera })) },
    });
    const dir = tempDir('camgate-edge-sim-');
    dirs.push(dir);
    store = Store.open({ dir: ':memory:', log: silentLog() });
    const repo = new RecordingRepo(store.db, 'boot-edge-sim');
    const bus = new EventBus();
    const events: CamgateEvents['recording.status'][] = [];
    bus.on('recording.status', (e) => events.push(e));
    const deps = { clock: systemClock, net: systemNet, log: silentLog() };
    const plans = IDS.map((id, i) => {
      const sim = cams[i];
      if (!sim) throw new Error(`sim camera ${i} missing`);
      // The sim's clock is ours: the offset interrogation would measure is 0.
      const camera = { id, address: sim.address, xaddr: sim.xaddr, profiles: [], clockOffsetMs: 0 };
      const credential = () => credentialFor(config, camera);
      return planFor(camera, config, credential, () =>
        edgeProbeFor(deps, camera, credential, () => camera.clockOffsetMs, {
          // Healthy cameras get room on a loaded box; the hanging one a short deadline, so its
          // timeout shows within the test.
          deadlineMs: id === 'edge-hang' ? HANG_DEADLINE_MS : 5000,
          maxBytes: 1_000_000,
        }),
      );
    });
    expect(plans.map((p) => p.source)).toEqual(['edge', 'edge', 'edge', 'edge']);
    const [hik, , garbage, hang] = cams;
    if (!hik || !garbage || !hang) throw new Error('sim cameras missing');
    garbage.setFault('malformedXml', true);
    hang.setFault('hang', true);

    service = new RecordingService(
      plans,
      {
        dir,
        segmentSeconds: SEGMENT_SECONDS,
        retentionDays: 1,
        minFreePercent: 1,
        stallSeconds: 3,
        tickMs: 500,
        externalPollMs: 1000,
      },
      {
        clock: systemClock,
        log: silentLog(),
        bus,
        gaps: {
          open: (id, cause, at) => repo.openGap(id, cause, at),
          close: (id, at, reason) => repo.closeGap(id, at, reason),
        },
      },
    );
    await service.start();
    const view = (id: string) => service?.camera(id);
    const statusIs = (id: string, status: string) => (view(id)?.status === status ? true : undefined);
    await until(() => statusIs('edge-hik', 'ok'), 15_000, 'edge-hik ok');
    await until(() => statusIs('edge-dvc', 'ok'), 15_000, 'edge-dvc ok (FindRecordings path)');
    await until(
      () =>
        /edge storage not readable: .*malformed/i.test(view('edge-garbage')?.detail ?? '') ? true : undefined,
      15_000,
      'edge-garbage unknown with a malformed-XML detail',
    );
    await until(
      () =>
        new RegExp(`edge storage not readable: .*no complete answer within ${HANG_DEADLINE_MS} ms`).test(
          view('edge-hang')?.detail ?? '',
        )
          ? true
          : undefined,
      15_000,
      'edge-hang unknown with a timeout detail',
    );
    expect(view('edge-garbage')?.status).toBe('unknown');
    expect(view('edge-hang')?.status).toBe('unknown');

    // The card stops: DataUntil freezes (whole seconds, so the last write is at most 1 s before this).
    const statuses = (id: string) => events.filter((e) => e.cameraId === id).map((e) => e.status);
    const beforeFault = statuses('edge-hik');
    hik.setFault('edgeStopped', true);
    const stoppedAt = Date.now();
    await until(() => statusIs('edge-hik', 'stale'), 60_000, 'edge-hik stale');
    const staleAfterMs = Date.now() - stoppedAt;
    const limitMs = (SEGMENT_SECONDS + 30) * 1000;
    const gap = repo.openGapFor('edge-hik');
    expect(gap?.cause).toBe('edge_not_advancing');
    // The gap starts at the last write seen: the frozen DataUntil (whole seconds, so at most 1 s
    // before the stop), or an earlier answer when the last poll before the stop ran late (one poll
    // interval plus one SOAP deadline).
    const gapStart = Date.parse(gap?.startedAt ?? '');
    expect(gapStart).toBeLessThanOrEqual(stoppedAt + 100);
    expect(gapStart).toBeGreaterThanOrEqual(stoppedAt - 1000 - 1000 - 5000);
    const staleEvent = events.find((e) => e.cameraId === 'edge-hik' && e.status === 'stale');
    expect(staleEvent?.detail).toMatch(/no new recording data \(last write \d+ s ago\)/);
    // The rule exactly: not stale before segment + 30 s after the last write seen.
    expect((staleEvent?.at ?? 0) - gapStart).toBeGreaterThan(limitMs);
    // ...and not much later: plus one poll (1 s), one tick (0.5 s), one SOAP deadline (5 s), load slack.
    expect(staleAfterMs).toBeLessThanOrEqual(limitMs + 1000 + 500 + 5000 + 5000);

    hik.setFault('edgeStopped', false);
    await until(() => statusIs('edge-hik', 'ok'), 10_000, 'edge-hik ok again');
    expect(repo.openGapFor('edge-hik')).toBeUndefined();
    expect(repo.gaps('edge-hik')[0]?.endedAt).toMatch(/Z$/);

    // Recording was ok before the fault and never stale until the card stopped; one gap, now closed.
    expect(beforeFault).toContain('ok');
    expect(beforeFault).not.toContain('stale');
    expect(statuses('edge-hik').slice(beforeFault.length)).toContain('stale');
    expect(statuses('edge-hik').at(-1)).toBe('ok');
    expect(repo.gaps('edge-hik')).toHaveLength(1);
    // Neighbours: the FindRecordings camera never went stale (a slow answer may read 'unknown' for
    // a moment, which opens no gap); broken cameras were never judged ok or stale.
    expect(statuses('edge-dvc')).toContain('ok');
    expect(statuses('edge-dvc')).not.toContain('stale');
    expect(repo.gaps('edge-dvc')).toEqual([]);
    expect(statuses('edge-garbage')).toEqual(['unknown']);
    expect(statuses('edge-hang')).toEqual(['unknown']);
    expect(repo.gaps('edge-garbage')).toEqual([]);
    expect(repo.gaps('edge-hang')).toEqual([]);
    expect(JSON.stringify(service.cameras())).not.toContain(SIM_PASSWORD);
  }, 120_000);
});
