import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { systemClock } from '../../src/shared/clock.js';
import { isDiskFull } from '../../src/store/diskFull.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { cliBuilt, runCli, startDaemon } from '../helpers/cli.js';
import { Centre, dedupe } from '../uplink/helpers/centre.js';
import { cleanupAll } from '../uplink/helpers/cleanup.js';
import { Broker } from '../uplink/helpers/mosquitto.js';

const isRoot = process.getuid?.() === 0;
const steps: (() => unknown)[] = [];
afterEach(async () => {
  await cleanupAll(steps.splice(0).reverse());
});

/** Fills the filesystem with a plain file until ENOSPC (appending to `file` if it exists). */
function fill(file: string): void {
  const fd = fs.openSync(file, 'a');
  try {
    for (const size of [1 << 20, 64 << 10, 4096, 512]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        if (!isDiskFull(err)) throw err;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function until(
  what: string,
  pred: () => boolean | Promise<boolean>,
  context: () => string,
  ms = 60_000,
): Promise<void> {
  const end = systemClock.monotonic() + ms;
  while (!(await pred())) {
    if (systemClock.monotonic() > end) throw new Error(`timed out: ${what}\n${context()}`);
    await systemClock.sleep(250);
  }
}

type Status = { cameras: Array<{ status: string }>; uplink: { dbFull: boolean; pendingWrites: number } };

describe.skipIf(!isRoot || !cliBuilt)(
  'the database disk fills under the real daemon (root: tmpfs; built CLI)',
  () => {
    it('stays up, alarms on MQTT and in status, and every transition of the episode reaches the centre once space returns', async () => {
      const broker = await Broker.start();
      steps.push(() => broker.dispose());
      const centre = await Centre.connect(broker.url);
      steps.push(() => centre.close());
      const site: SimSite = await startSite({
        cameras: [{ kind: 'overview' }],
        baseAddress: testBase(204),
        discovery: false,
        password: 'Full-Disk-8',
      });
      steps.push(() => site.stop());
      const cam = site.cameras[0];
      if (!cam) throw new Error('no camera');

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-dbfull-'));
      const state = path.join(dir, 'state');
      fs.mkdirSync(state);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', state]);
      steps.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      steps.push(() => execFileSync('umount', ['-l', state]));
      const configPath = path.join(dir, 'camgate.yaml');
      fs.writeFileSync(
        configPath,
        [
          'site: { id: full-site }',
          'gateway: { id: gw-full }',
          `storage: { path: ${state} }`,
          `control: { socket: ${dir}/control.sock }`,
          'discovery: { multicast: false, probeWindowSeconds: 1 }',
          `mqtt: { url: "${broker.url}" }`,
          'health: { stallSeconds: 2, hysteresisSeconds: 0 }',
          `cameras: [{ id: cam-1, rtsp: "${cam.rtspMainUrl}", class: overview }]`,
          'credentials: [{ match: cam-1, username: admin, password: Full-Disk-8 }]',
        ].join('\n'),
      );
      const daemon = await startDaemon(configPath);
      steps.push(() => daemon.stop());
      const tail = (): string => daemon.logs().slice(-4000);
      const status = async (): Promise<Status | undefined> => {
        const r = await runCli(['status', '--json', '--config', configPath]);
        return r.code === 0 ? (JSON.parse(r.stdout) as Status) : undefined;
      };
      const camIs = async (s: string): Promise<boolean> => (await status())?.cameras[0]?.status === s;
      // Back from offline: online, or degraded while the stream supervisor counts the quick failures.
      const camBack = async (): Promise<boolean> => {
        const s = (await status())?.cameras[0]?.status;
        return s === 'online' || s === 'degraded';
      };
      const flap = async (): Promise<void> => {
        cam.setFault('stop', true);
        await until('camera offline', () => camIs('offline'), tail);
        cam.setFault('stop', false);
        await until('camera back', camBack, tail, 120_000);
      };
      await until('camera online', () => camIs('online'), tail);

      const filler = path.join(state, 'filler');
      fill(filler);
      await flap();
      // The first failed write released the reserve: the alarm went out through the outbox.
      await centre.waitFor(
        () => centre.events().some((e) => e.type === 'storage.alarm' && e.code === 'db_full'),
        'db_full on MQTT',
        30_000,
      );
      // The disk keeps filling (the reserve's room too): now transitions wait in memory.
      fill(filler);
      for (let i = 0; i < 2; i += 1) await flap();
      const during = await status();
      expect(during?.uplink.dbFull).toBe(true);
      expect(during?.uplink.pendingWrites).toBeGreaterThan(0);
      expect(daemon.child.exitCode).toBeNull();

      fs.rmSync(filler);
      await centre.waitFor(
        () => centre.events().some((e) => e.type === 'storage.alarm.cleared' && e.code === 'db_full'),
        'db_full cleared on MQTT',
        40_000,
      );
      const events = dedupe(centre.events());
      const outages = events.filter((e) => String(e.type).startsWith('outage.')).map((e) => e.type);
      // Three flaps, all during the episode: every start and end, in order, none twice.
      expect(outages).toEqual(Array.from({ length: 3 }, () => ['outage.start', 'outage.end']).flat());
      const seqs = events.map((e) => Number(e.seq));
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 0) + i));
      expect((await status())?.uplink).toMatchObject({ dbFull: false, pendingWrites: 0 });
      expect(daemon.logs()).not.toContain('Full-Disk-8');
      expect(await daemon.stop()).toBe(0);
    }, 240_000);
  },
);
