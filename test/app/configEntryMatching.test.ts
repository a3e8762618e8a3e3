import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SimCamera, type SimSite, startSite } from '../../fixtures/sim/site.js';
import type { Daemon } from '../../src/app/daemon.js';
import { loadConfigFile } from '../../src/config/load.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { useTempDir } from '../helpers/tempDir.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { until } from '../recording/simHelpers.js';

const PASSWORD = 'entry-Secret-3';
let site: SimSite;
let cfg: ReturnType<typeof tempConfig>;
let daemon: Daemon;
let byMac: SimCamera;
let bySerial: SimCamera;
const tempRoot = useTempDir('camgate-entries-');

/** The id discovery gives a camera without a config id: from its MAC. */
const idOf = (cam: SimCamera) => `cam-${cam.mac.replace(/:/g, '')}`;

/**
 * The two field bugs of the override matchers, through the real daemon (discovery sweeping the
 * simulated site, the stream monitor, health, ffmpeg recording): one config entry per camera,
 * written the way technicians write them, matched by something other than id or address.
 */
beforeAll(async () => {
  const base = testBase(48);
  site = await startSite({
    cameras: [{ kind: 'overview' }, { kind: 'overview' }],
    baseAddress: base,
    password: PASSWORD,
    discovery: false,
  });
  deferCleanup(() => site.stop());
  const [a, b] = site.cameras;
  if (!a || !b) throw new Error('sim cameras missing');
  byMac = a;
  bySerial = b;
  const onvifPort = new URL(a.xaddr).port;
  const dashedMac = a.mac.toUpperCase().replace(/:/g, '-');
  const recordings = JSON.stringify(path.join(tempRoot, 'recordings'));
  cfg = tempConfig(
    [
      `discovery: { multicast: false, ranges: ["${base.replace(/\.\d+$/, '.0')}/29"], ports: [${onvifPort}], probeWindowSeconds: 1 }`,
      'mqtt: { url: "mqtt://127.0.0.1:1" }',
      `recording: { enabled: false, dir: ${recordings}, segmentSeconds: 10 }`,
      'credentials:',
      `  - { match: "*", username: admin, password: "${PASSWORD}" }`,
      'cameras:',
      `  - { mac: "${dashedMac}", monitor: { profile: main } }`,
      `  - { serial: "${b.serial}", record: true }`,
    ].join('\n'),
  );
  deferCleanup(cfg.cleanup);
  daemon = await startTestDaemon({ config: loadConfigFile(cfg.configPath) });
}, 60_000);

const row = (cam: SimCamera) => daemon.context?.board.camera(idOf(cam));

describe('config entries matched by MAC and serial reach streams and recording', () => {
  it('regression: an override written with an 00-11-22-… MAC reaches the stream monitor (it watched the default sub stream)', async () => {
    // Main is 640x360 in the simulator, sub 320x180; without an override the sub stream is watched.
    const watched = await until(
      () => {
        const [a, b] = [row(byMac)?.stream, row(bySerial)?.stream];
        return a?.width && b?.width ? { a, b } : undefined;
      },
      40_000,
      'both discovered cameras online with stream figures',
    );
    expect(watched.a).toMatchObject({ width: 640, height: 360 });
    expect(watched.b).toMatchObject({ width: 320, height: 180 });
  }, 60_000);

  it('regression: record: on an entry matched by serial records the camera (it was ignored)', async () => {
    await until(
      () => (row(bySerial)?.recording.status === 'ok' ? true : undefined),
      40_000,
      'the serial-matched camera recording ok',
    );
    expect(fs.readdirSync(path.join(tempRoot, 'recordings', idOf(bySerial))).length).toBeGreaterThan(0);
    // recording.enabled is false and the MAC entry says nothing about recording: not recorded.
    expect(row(byMac)?.recording.status).toBe('off');
    expect(fs.existsSync(path.join(tempRoot, 'recordings', idOf(byMac)))).toBe(false);
  }, 60_000);
});
