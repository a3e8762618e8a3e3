import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { cameraStatePayload } from '../../src/uplink/payloads.js';
import { runCliInProcess } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { GstServer } from '../streams/helpers/gstServer.js';
import { makeRawH264 } from '../streams/helpers/rawH264.js';
import type { Centre } from '../uplink/helpers/centre.js';
import { captureLog } from '../uplink/helpers/gateway.js';
import { useBroker, useCentre } from '../uplink/helpers/rig.js';

function states(centre: Centre, cameraId: string) {
  return centre.on(`/cameras/${cameraId}/state`).map((m) => cameraStatePayload.parse(m.json));
}

/**
 * Issue #12 end to end: the whole daemon (streams → health → store → uplink, control socket)
 * against GStreamer serving cameras whose RTP timestamps are broken, a real Mosquitto, and the CLI.
 */
describe('daemon with cameras whose RTP timestamps do not advance', () => {
  it('reports them degraded with rtp_timestamps_invalid in MQTT state, status and why, never offline; a parameter-sets-only camera offline', async () => {
    const dir = useTempDir('camgate-ts-');
    const clip = await makeRawH264(dir, { seconds: 2, gop: 25 });
    const shortGop = await makeRawH264(dir, { seconds: 2, gop: 5 });
    const servers = await Promise.all([
      GstServer.start({ source: 'raw-h264', file: clip, fps: 25, timestamps: 'constant' }),
      GstServer.start({ source: 'raw-h264', file: clip, fps: 25, timestamps: 'backwards', loopSeconds: 1 }),
      GstServer.start({ source: 'raw-h264', file: shortGop, fps: 25, timestamps: 'valid', paramsOnly: true }),
    ]);
    for (const s of servers) deferCleanup(() => s.close());
    const [constant, backwards, paramsOnly] = servers;
    const broker = await useBroker();
    const centre = await useCentre(broker.url, 'camgate/v1/#', `centre-ts-${process.pid}`);
    const file = path.join(dir, 'camgate.yaml');
    fs.writeFileSync(
      file,
      [
        'site: { id: ts-site }',
        'gateway: { id: nvr-ts }',
        `storage: { path: ${JSON.stringify(path.join(dir, 'state'))} }`,
        `control: { socket: ${JSON.stringify(path.join(dir, 'control.sock'))} }`,
        'discovery: { multicast: false }',
        `mqtt: { url: ${JSON.stringify(broker.url)} }`,
        'health: { stallSeconds: 2, hysteresisSeconds: 2 }',
        'cameras:',
        `  - { id: cam-constant, rtsp: ${JSON.stringify(constant?.url)}, class: overview }`,
        `  - { id: cam-backwards, rtsp: ${JSON.stringify(backwards?.url)}, class: overview }`,
        `  - { id: cam-params, rtsp: ${JSON.stringify(paramsOnly?.url)}, class: lpr }`,
      ].join('\n'),
    );
    await startTestDaemon({ config: loadConfigFile(file), log: captureLog().log });

    const last = (id: string) => states(centre, id).at(-1);
    await centre.waitFor(
      () =>
        last('cam-constant')?.reasons.includes('rtp_timestamps_invalid constant') === true &&
        last('cam-backwards')?.reasons.includes('rtp_timestamps_invalid jumps') === true &&
        last('cam-params')?.status === 'offline',
      'the three verdicts in MQTT state',
      30_000,
    );
    // Keep watching: the verdict must hold, not flap through offline.
    await new Promise((r) => setTimeout(r, 4000));
    for (const [id, fault] of [
      ['cam-constant', 'constant'],
      ['cam-backwards', 'jumps'],
    ] as const) {
      expect(states(centre, id).map((s) => s.status)).not.toContain('offline');
      expect(last(id)).toMatchObject({
        status: 'degraded',
        reasons: [`rtp_timestamps_invalid ${fault}`],
        integrated: true,
        cause: null,
        stream: { codec: 'h264', width: 320, height: 180 },
      });
      expect(last(id)?.stream.fps).toBeGreaterThan(18);
      expect(last(id)?.stream.fps).toBeLessThan(32);
    }
    expect(last('cam-params')).toMatchObject({
      status: 'offline',
      integrated: false,
      cause: 'stream_stalled',
    });
    expect(states(centre, 'cam-params').map((s) => s.status)).not.toContain('online');

    const status = await runCliInProcess(['status', '--json', '--config', file]);
    expect(status.code, status.stderr).toBe(0);
    const rows = JSON.parse(status.stdout).cameras as Array<{
      cameraId: string;
      status: string;
      reasons: string[];
    }>;
    expect(rows.find((r) => r.cameraId === 'cam-constant')).toMatchObject({
      status: 'degraded',
      reasons: ['rtp_timestamps_invalid constant'],
    });

    const why = await runCliInProcess(['why', 'cam-constant', '--config', file, '--json']);
    expect(why.code, why.stderr).toBe(0);
    expect(JSON.parse(why.stdout)).toMatchObject({
      source: 'daemon',
      status: 'degraded',
      integrated: true,
      reasons: ['rtp_timestamps_invalid constant'],
      evidence: { stream: { timestampFault: 'constant' } },
    });
    const whyText = await runCliInProcess(['why', 'cam-constant', '--config', file]);
    expect(whyText.stdout).toContain('reasons: rtp_timestamps_invalid constant');
    expect(whyText.stdout).toContain('RTP timestamps constant: fps and keyframe interval from arrival times');
  });
});
