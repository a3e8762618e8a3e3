import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimCamera, type SimSite, startSite } from '../../fixtures/sim/site.js';
import { Daemon } from '../../src/app/daemon.js';
import { loadConfigFile } from '../../src/config/load.js';
import type { WhyDoc } from '../../src/health/whyReport.js';
import { silentLog } from '../../src/shared/log.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { summaryPayload } from '../../src/uplink/statePayloads.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { runCliInProcess } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { until } from '../recording/simHelpers.js';

/**
 * Issue #12 item 2, field case: one camera of a site has another password than the configured
 * one. Discovery finds it, interrogation gets 401, and the camera stayed `unknown` /
 * `camera_offline` for as long as anyone waited: the centre sent someone for a dead camera when
 * the fix was a password. Here against the simulator (its `wrongPassword` switch gives a camera a
 * second password, `<password>-changed`), through the real daemon, including the recovery after
 * the password file is corrected and `camgate reload` (POST /reload) is run.
 */
const PASSWORD = 'site-Secret-5';
let site: SimSite;
let cfg: ReturnType<typeof tempConfig>;
let daemon: Daemon;
let good: SimCamera;
let refusing: SimCamera;
let refusingFile: string;
let secrets: string;

beforeAll(async () => {
  const base = testBase(96);
  site = await startSite({
    cameras: [{ kind: 'overview' }, { kind: 'lpr' }],
    baseAddress: base,
    password: PASSWORD,
    discovery: false,
  });
  const [a, b] = site.cameras;
  if (!a || !b) throw new Error('sim cameras missing');
  good = a;
  refusing = b;
  refusing.setFault('wrongPassword', true);
  const onvifPort = new URL(a.xaddr).port;
  secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-secrets-'));
  refusingFile = path.join(secrets, 'lpr-password');
  const siteFile = path.join(secrets, 'site-password');
  fs.writeFileSync(refusingFile, `${PASSWORD}\n`, { mode: 0o600 });
  fs.writeFileSync(siteFile, `${PASSWORD}\n`, { mode: 0o600 });
  cfg = tempConfig(
    [
      `discovery: { multicast: false, ranges: ["${base.replace(/\.\d+$/, '.0')}/29"], ports: [${onvifPort}], probeWindowSeconds: 1, intervalSeconds: 3600 }`,
      'mqtt: { url: "mqtt://127.0.0.1:1" }',
      'health: { hysteresisSeconds: 0 }',
      'credentials:',
      `  - { match: "${refusing.address}", username: admin, passwordFile: ${JSON.stringify(refusingFile)} }`,
      `  - { match: "*", username: admin, passwordFile: ${JSON.stringify(siteFile)} }`,
    ].join('\n'),
  );
  daemon = new Daemon({ config: loadConfigFile(cfg.configPath), log: silentLog(), env: {} });
  await daemon.start();
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await site?.stop();
  cfg?.cleanup();
  fs.rmSync(secrets, { recursive: true, force: true });
});

const rowAt = (cam: SimCamera) => daemon.context?.board.allCameras().find((r) => r.address === cam.address);

describe('a camera that refuses our ONVIF credentials (issue #12 item 2)', () => {
  let refusingId = '';

  it('is unauthorized, cause unauthorized, the refused call in reasons and why; summary counts it', async () => {
    const row = await until(
      () =>
        rowAt(refusing)?.status === 'unauthorized' && rowAt(good)?.status === 'online'
          ? rowAt(refusing)
          : undefined,
      40_000,
      'the refusing camera unauthorized and the other online',
    );
    refusingId = row.cameraId;
    expect(row).toMatchObject({ integrated: false, cause: 'unauthorized' });
    expect(row.reasons.some((r) => /^unauthorized onvif Get[A-Za-z]+$/.test(r))).toBe(true);
    const board = daemon.context?.board.allCameras() ?? [];
    expect(summaryPayload(board, undefined, new Date().toISOString()).byStatus).toMatchObject({
      online: 1,
      unauthorized: 1,
      unknown: 0,
    });
    const why = (await daemon.context?.control.invoke('GET', `/why/${refusingId}`)) as WhyDoc;
    expect(why).toMatchObject({ status: 'unauthorized', cause: 'unauthorized' });
    expect(why.reasons?.join(' ')).toMatch(/unauthorized onvif Get/);
    const db = daemon.context?.store.db;
    if (!db) throw new Error('no store');
    expect(new HistoryRepo(db).openOutage(refusingId)).toMatchObject({
      kind: 'stream',
      cause: 'unauthorized',
    });
    // The password never leaves the box.
    expect(JSON.stringify(why)).not.toContain(PASSWORD);
  }, 60_000);

  it('comes back online under the same id after the password file is corrected and reload, the outage closed as unauthorized', async () => {
    expect(refusingId).not.toBe('');
    fs.writeFileSync(refusingFile, `${PASSWORD}-changed\n`);
    // The technician's command (SIGHUP runs the same Daemon.reload).
    const reload = await runCliInProcess(['reload', '--config', cfg.configPath, '--json']);
    expect(reload.stderr).toBe('');
    expect(reload.code).toBe(0);
    expect((JSON.parse(reload.stdout) as { unauthorized: string[] }).unauthorized).toEqual([refusingId]);
    const row = await until(
      () => (rowAt(refusing)?.status === 'online' ? rowAt(refusing) : undefined),
      40_000,
      'the corrected camera online',
    );
    expect(row).toMatchObject({ cameraId: refusingId, integrated: false, cause: 'uplink_down' });
    const db = daemon.context?.store.db;
    if (!db) throw new Error('no store');
    const history = new HistoryRepo(db);
    expect(history.openOutage(refusingId)).toBeUndefined();
    const outages = history.outages({ cameraId: refusingId });
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({ kind: 'stream', cause: 'unauthorized', endReason: 'restored' });
    // History kept: the transitions into and out of unauthorized are the same camera's.
    const transitions = history.transitions(refusingId, 10).map((t) => `${t.from}->${t.to}`);
    expect(transitions).toContain('unknown->unauthorized');
    expect(transitions.some((t) => t.startsWith('unauthorized->online'))).toBe(true);
  }, 60_000);

  it('a restart works too: still refused after it, then back under the same id when restarted with the right password', async () => {
    expect(refusingId).not.toBe('');
    // The camera's password changes again; the daemon restarts with the stale one.
    refusing.setFault('wrongPassword', false);
    fs.writeFileSync(refusingFile, `${PASSWORD}-changed\n`);
    await daemon.stop();
    daemon = new Daemon({ config: loadConfigFile(cfg.configPath), log: silentLog(), env: {} });
    await daemon.start();
    const refused = await until(
      () => (rowAt(refusing)?.status === 'unauthorized' ? rowAt(refusing) : undefined),
      40_000,
      'unauthorized again after the restart',
    );
    expect(refused.cameraId).toBe(refusingId);
    // Corrected in the file, then a restart (no reload): the sweep at start re-interrogates.
    fs.writeFileSync(refusingFile, `${PASSWORD}\n`);
    await daemon.stop();
    daemon = new Daemon({ config: loadConfigFile(cfg.configPath), log: silentLog(), env: {} });
    await daemon.start();
    await until(
      () => (rowAt(refusing)?.status === 'online' ? true : undefined),
      40_000,
      'online after the restart with the right password',
    );
    expect(rowAt(refusing)?.cameraId).toBe(refusingId);
    const db = daemon.context?.store.db;
    if (!db) throw new Error('no store');
    const outages = new HistoryRepo(db).outages({ cameraId: refusingId });
    // The first (reload) outage restored, the second ended by the restart: both unauthorized, none open.
    expect(outages.map((o) => [o.cause, o.endReason])).toEqual([
      ['unauthorized', 'restored'],
      ['unauthorized', 'gap_reboot'],
    ]);
  }, 90_000);
});
