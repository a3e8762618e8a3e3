import { describe, expect, it } from 'vitest';
import { DiscoveryService } from '../../src/discovery/discoveryService.js';
import type { CamgateEvents } from '../../src/shared/events.js';
import { silentLog } from '../../src/shared/log.js';
import { InventoryRepo } from '../../src/store/inventoryRepo.js';
import { cam, noNet, setup } from './helpers/discoveryRig.js';

/** Lets pending promise callbacks (a sweep's continuation) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await settle();
  expect(cond()).toBe(true);
}

describe('DiscoveryService', () => {
  it('emits added, clock drift and removed; counts installed vs planned', async () => {
    const t = setup([[cam('10.0.0.1'), cam('10.0.0.2', { clockOffsetMs: 9000 })], [cam('10.0.0.1')]]);
    const service = t.make();
    await service.start(new AbortController().signal);
    await service.rediscover();
    expect(t.events.map((e) => [e.type, e.camera.address])).toEqual([
      ['camera.added', '10.0.0.1'],
      ['camera.added', '10.0.0.2'],
    ]);
    expect(t.drift).toEqual([expect.objectContaining({ cameraId: 'cam-001c27000002', offsetMs: 9000 })]);
    expect(service.counts().lpr).toEqual({ installed: 2, planned: 10 });
    t.clock.advance(300_000); // intervalSeconds default
    await service.rediscover();
    expect(t.events.at(-1)).toMatchObject({ type: 'camera.removed', camera: { address: '10.0.0.2' } });
    expect(service.status()).toMatchObject({ byClass: { lpr: { installed: 1 } }, lastError: null });
    await service.stop();
  });

  it('after a restart, announces the persisted inventory once (streams and health learn it from events)', async () => {
    const t = setup([[cam('10.0.0.1')]]);
    const first = t.make();
    await first.start(new AbortController().signal);
    await first.rediscover();
    await first.stop();
    t.events.length = 0;
    const second = t.make();
    await second.start(new AbortController().signal);
    await second.rediscover();
    expect(t.events.map((e) => e.type)).toEqual(['camera.updated']);
    await second.rediscover();
    expect(t.events.length).toBe(1);
    await second.stop();
  });

  it('an empty sweep (a site still powering up) is retried after 10 s, 20 s, ... until cameras answer', async () => {
    const t = setup([[], [], [cam('10.0.0.1')]]);
    const service = t.make();
    await service.start(new AbortController().signal);
    const sweeps = () => (service.status().lastSweep as { at: string } | null)?.at;
    await until(() => sweeps() !== undefined);
    const first = sweeps();
    t.clock.advance(9_999);
    await settle();
    expect(sweeps()).toBe(first);
    t.clock.advance(1);
    await until(() => sweeps() !== first);
    const second = sweeps();
    t.clock.advance(19_999);
    await settle();
    expect(sweeps()).toBe(second);
    t.clock.advance(1);
    await until(() => t.events.length === 1);
    expect(t.events[0]).toMatchObject({ type: 'camera.added', camera: { address: '10.0.0.1' } });
    // Found: no more quick retries; the next sweep is the regular interval's.
    const third = sweeps();
    t.clock.advance(100_000);
    await settle();
    expect(sweeps()).toBe(third);
    await service.stop();
  });

  it('a site that had cameras is not swept quickly when they vanish (an outage must not remove them)', async () => {
    const t = setup([[cam('10.0.0.1')], [], [], [], []], 3);
    const service = t.make();
    await service.start(new AbortController().signal);
    await until(() => t.events.length === 1);
    t.clock.advance(300_000); // the regular interval: one empty sweep
    await settle();
    const after = (service.status().lastSweep as { at: string }).at;
    t.clock.advance(60_000); // no quick retries follow
    await settle();
    expect((service.status().lastSweep as { at: string }).at).toBe(after);
    expect(t.events.map((e) => e.type)).toEqual(['camera.added']);
    await service.stop();
  });

  it('stop() cancels a pending quick retry', async () => {
    const t = setup([[], [cam('10.0.0.1')]]);
    const service = t.make();
    await service.start(new AbortController().signal);
    await until(() => service.status().lastSweep !== null);
    await service.stop();
    t.clock.advance(10_000);
    await settle();
    expect(t.events).toEqual([]);
  });

  it('reports a clock drift once, again when it moves, not on every sweep, and not from a kept offset', async () => {
    const drifting = (offset: number | undefined) => [cam('10.0.0.1', { clockOffsetMs: offset })];
    const t = setup([
      drifting(9000),
      drifting(9500),
      drifting(20_000),
      drifting(undefined),
      drifting(21_000),
    ]);
    const service = t.make();
    await service.start(new AbortController().signal);
    await until(() => t.drift.length === 1);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(300_000);
      await service.rediscover();
    }
    // 9000 (new), 9500 (same drift: quiet), 20000 (moved: reported), undefined (clock read
    // faulted, offset kept: no news), 21000 (same as last reported: quiet).
    expect(t.drift.map((d) => d.offsetMs)).toEqual([9000, 20_000]);
    await service.stop();
  });

  it('a failing sweep is reported in status and still announces what was persisted', async () => {
    const t = setup([[cam('10.0.0.1')]]);
    const ok = t.make();
    await ok.start(new AbortController().signal);
    await ok.rediscover();
    await ok.stop();
    t.events.length = 0;
    const failing = new DiscoveryService({
      clock: t.clock,
      net: noNet,
      log: silentLog(),
      bus: t.bus,
      config: t.config,
      inventory: new InventoryRepo(t.store.db),
      run: async () => {
        throw new Error('interface vanished');
      },
    });
    await failing.start(new AbortController().signal);
    await expect(failing.rediscover()).rejects.toThrow('interface vanished');
    expect(failing.status()).toMatchObject({ lastError: 'interface vanished' });
    expect(t.events.map((e) => e.type)).toEqual(['camera.updated']);
    await failing.stop();
  });
});

describe('DiscoveryService inventory cap (#13 item 9)', () => {
  it('leaves new devices out at discovery.maxCameras and tells the bus once per crossing, not per sweep', async () => {
    const all = [cam('10.0.0.1'), cam('10.0.0.2'), cam('10.0.0.3')];
    // Sweeps: three devices (one too many), the same again, then only one answers.
    const t = setup([all, all, [cam('10.0.0.1')]], 1, { maxCameras: 2 });
    const caps: CamgateEvents['discovery.cap'][] = [];
    t.bus.on('discovery.cap', (c) => caps.push(c));
    const service = t.make();
    await service.start(new AbortController().signal);
    await service.rediscover();
    expect(t.events.map((e) => [e.type, e.camera.address])).toEqual([
      ['camera.added', '10.0.0.1'],
      ['camera.added', '10.0.0.2'],
    ]);
    expect(service.inventory().map((c) => c.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(caps).toEqual([
      { maxCameras: 2, reached: true, cameras: 2, ignored: 1, edge: 'reached', at: expect.any(Number) },
    ]);
    expect(service.status()).toMatchObject({ maxCameras: 2, capReached: true, capIgnored: 1 });

    t.clock.advance(300_000);
    await service.rediscover();
    expect(caps).toHaveLength(1);
    expect(t.events).toHaveLength(2);

    t.clock.advance(300_000);
    await service.rediscover();
    expect(caps.at(-1)).toEqual({
      maxCameras: 2,
      reached: false,
      cameras: 1,
      ignored: 1,
      edge: 'cleared',
      at: expect.any(Number),
    });
    expect(caps).toHaveLength(2);
    expect(service.status()).toMatchObject({ capReached: false, capIgnored: 0 });
    await service.stop();
  });
});
