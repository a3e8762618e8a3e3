import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlServer } from '../../src/app/control.js';
import type { AcceptanceDoc } from '../../src/report/acceptance/acceptance.js';
import { silentLog } from '../../src/shared/log.js';
import { runCliInProcess } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { siteStore } from '../report/fixture.js';

/** A daemon's control socket answering what acceptance asks; the picture routes as the test says. */
async function fakeDaemon(socket: string, withReferenceRoute: boolean): Promise<string[]> {
  const asked: string[] = [];
  const control = new ControlServer({ socketPath: socket, log: silentLog() });
  const online = (cameraId: string) => ({
    cameraId,
    status: 'online',
    integrated: true,
    stream: {},
    recording: { status: 'off' },
  });
  control.route('GET', '/status', () => ({ cameras: ['cam-a', 'cam-b', 'cam-d'].map(online) }));
  control.route('POST', '/snapshot', (req) => {
    const camera = (req.body as { camera: string }).camera;
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    return { cameraId: camera, source: 'onvif', bytes: jpeg.length, jpegBase64: jpeg.toString('base64') };
  });
  if (withReferenceRoute)
    control.route('POST', '/picture/reference', (req) => {
      const cameraId = (req.body as { camera: string }).camera;
      asked.push(cameraId);
      if (cameraId === 'cam-a')
        return { cameraId, taken: true, mode: 'day', takenAt: '2026-12-05T12:00:00.000Z', measures: {} };
      if (cameraId === 'cam-b')
        return {
          cameraId,
          taken: false,
          reason:
            'picture bad at handover (picture_covered; mean luma 120.0, contrast 1.2): not taken as the reference',
          reasons: ['picture_covered'],
        };
      return { cameraId, taken: false, reason: 'no picture: snapshot: HTTP 401', reasons: [] };
    });
  await control.start();
  deferCleanup(() => control.stop());
  return asked;
}

async function acceptance(extra: string[]): Promise<{ doc: AcceptanceDoc; asked: string[]; text: string }> {
  const t = tempConfig();
  deferCleanup(t.cleanup);
  siteStore(path.join(t.dir, 'state')).close();
  const asked = await fakeDaemon(t.socket, !extra.includes('--old-daemon'));
  const args = extra.filter((a) => a !== '--old-daemon');
  const out = path.join(t.dir, 'pack');
  const r = await runCliInProcess([
    'acceptance',
    '--out',
    out,
    '--days',
    '366',
    '--json',
    '--config',
    t.configPath,
    ...args,
  ]);
  const text = await runCliInProcess([
    'acceptance',
    '--out',
    out,
    '--days',
    '366',
    '--config',
    t.configPath,
    ...args,
  ]);
  return { doc: JSON.parse(r.stdout) as AcceptanceDoc, asked, text: text.stdout };
}

const refOf = (doc: AcceptanceDoc, id: string) => doc.cameras.find((c) => c.id === id)?.pictureReference;

describe('camgate acceptance: picture references at handover (issue #17)', () => {
  it('asks the daemon per camera: taken, refused (a bad picture) and failed, the last two as open items', async () => {
    const { doc, asked, text } = await acceptance([]);
    expect(asked.sort()).toEqual(['cam-a', 'cam-a', 'cam-b', 'cam-b', 'cam-d', 'cam-d']);
    expect(refOf(doc, 'cam-a')).toEqual({
      status: 'taken',
      mode: 'day',
      takenAt: '2026-12-05T12:00:00.000Z',
    });
    expect(refOf(doc, 'cam-b')).toMatchObject({ status: 'refused' });
    expect(refOf(doc, 'cam-d')).toEqual({ status: 'failed', reason: 'no picture: snapshot: HTTP 401' });
    expect(doc.openItems).toContain(
      'cam-b: no picture reference (picture bad at handover (picture_covered; mean luma 120.0, contrast 1.2): not taken as the reference)',
    );
    expect(doc.openItems).toContain('cam-d: no picture reference (no picture: snapshot: HTTP 401)');
    expect(doc.openItems.some((i) => i.startsWith('cam-a: no picture reference'))).toBe(false);
    expect(text).toContain('picture references: 1 taken, 1 refused, 1 failed');
  });

  it('--keep-references asks nothing and says the earlier references stay', async () => {
    const { doc, asked } = await acceptance(['--keep-references']);
    expect(asked).toEqual([]);
    for (const id of ['cam-a', 'cam-b', 'cam-d']) expect(refOf(doc, id)).toMatchObject({ status: 'kept' });
    expect(doc.openItems.some((i) => i.includes('picture reference'))).toBe(false);
  });

  it('a daemon without the route: unavailable, not an open item', async () => {
    const { doc } = await acceptance(['--old-daemon']);
    expect(refOf(doc, 'cam-a')).toEqual({
      status: 'unavailable',
      reason: 'this daemon cannot take picture references (upgrade it)',
    });
    expect(doc.openItems.some((i) => i.includes('picture reference'))).toBe(false);
  });
});
