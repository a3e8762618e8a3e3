import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlServer } from '../../src/app/control.js';
import { snapshotFileName } from '../../src/cli/commands/acceptance.js';
import { silentLog } from '../../src/shared/log.js';
import { runCliInProcess } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { siteStore } from '../report/fixture.js';

describe('camgate acceptance', () => {
  it('writes acceptance.json and acceptance.html; open items when cameras are not integrated; exit 1', async () => {
    const t = tempConfig();
    deferCleanup(t.cleanup);
    siteStore(path.join(t.dir, 'state')).close();
    const control = new ControlServer({ socketPath: t.socket, log: silentLog() });
    control.route('GET', '/status', () => ({
      cameras: [
        { cameraId: 'cam-a', status: 'online', integrated: true, stream: {}, recording: { status: 'off' } },
        {
          cameraId: 'cam-b',
          status: 'offline',
          integrated: false,
          cause: 'camera_offline',
          stream: {},
          recording: { status: 'off' },
        },
      ],
    }));
    const asked: string[] = [];
    control.route('POST', '/snapshot', (req) => {
      const camera = (req.body as { camera: string }).camera;
      asked.push(camera);
      if (camera !== 'cam-a') throw new Error(`unknown camera ${camera}`);
      const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
      return { cameraId: camera, source: 'onvif', bytes: jpeg.length, jpegBase64: jpeg.toString('base64') };
    });
    await control.start();
    deferCleanup(() => control.stop());
    const out = path.join(t.dir, 'handover');
    const r = await runCliInProcess([
      'acceptance',
      '--out',
      out,
      '--days',
      '366',
      '--json',
      '--config',
      t.configPath,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { accepted: boolean; openItems: string[]; cameras: { id: string }[] };
    expect(doc.cameras.map((c) => c.id)).toEqual(['cam-a', 'cam-b', 'cam-d']);
    expect(doc.openItems).toContain('cam-b: not integrated (camera_offline)');
    expect(doc.openItems).toContain('cam-d: not integrated (unknown)');
    // Pictures: taken for the online camera, not asked for the offline one, an error for the unknown one.
    expect(asked.sort()).toEqual(['cam-a', 'cam-d']);
    expect(fs.readFileSync(path.join(out, 'snapshots', 'cam-a.jpg'))).toEqual(
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
    );
    expect(doc.openItems).toContain('cam-b: no picture (not taken: camera offline)');
    expect(doc.openItems).toContain('cam-d: no picture (unknown camera cam-d)');
    expect(doc.openItems.some((i) => i.startsWith('cam-a: no picture'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'acceptance.json'), 'utf8'))).toEqual(doc);
    expect(fs.readFileSync(path.join(out, 'acceptance.html'), 'utf8')).toContain('NOT ACCEPTED');

    // On a terminal the table comes with a progress line on stderr, cleared at the end.
    const tty = await runCliInProcess(
      ['acceptance', '--out', out, '--config', t.configPath],
      {},
      { tty: true },
    );
    expect(tty.code).toBe(1);
    expect(tty.stderr).toContain('acceptance: reading the site history');
    expect(tty.stderr).toContain('acceptance: asking the daemon, checking the box');
    expect(tty.stderr.endsWith('\r')).toBe(true);
    expect(tty.stdout).toContain('NOT ACCEPTED');
  });

  it('snapshot file names: ids kept when safe, changed ones made unique', () => {
    expect(snapshotFileName('cam-1')).toBe('cam-1.jpg');
    const a = snapshotFileName('gate 1');
    const b = snapshotFileName('gate_1');
    expect(a).toMatch(/^gate_1-[0-9a-f]{8}\.jpg$/);
    expect(b).toBe('gate_1.jpg');
    expect(snapshotFileName('../etc/x')).toMatch(/^\.\._etc_x-[0-9a-f]{8}\.jpg$/);
  });

  it('--days out of range exits 2 naming the argument', async () => {
    const t = tempConfig();
    deferCleanup(t.cleanup);
    const r = await runCliInProcess(['acceptance', '--days', '0', '--config', t.configPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--days');
  });
});
