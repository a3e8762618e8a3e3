import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/app/daemon.js';
import { wireRecording } from '../../src/app/wireRecording.js';
import { createWireUplink } from '../../src/app/wireUplink.js';
import { configSchema } from '../../src/config/schema.js';
import { eventPayload } from '../../src/uplink/payloads.js';
import { useTempDir } from '../helpers/tempDir.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { captureLog } from '../uplink/helpers/gateway.js';
import { useBroker, useCentre } from '../uplink/helpers/rig.js';

const PASSWORD = 'storage-alarm-secret-7731';

/** /dev/shm is another filesystem on most Linux boxes: recordings there do not share the database's disk. */
function otherFilesystem(than: string): string | undefined {
  try {
    return fs.statSync('/dev/shm').dev !== fs.statSync(than).dev ? '/dev/shm' : undefined;
  } catch {
    return undefined; // no /dev/shm: the test that needs it is skipped
  }
}
const shm = otherFilesystem(os.tmpdir());

function daemonFor(stateDir: string, recordingsDir: string, url: string): Promise<Daemon> {
  return startTestDaemon({
    config: configSchema.parse({
      site: { id: 'korosten-01' },
      gateway: { id: 'nvr-01' },
      storage: { path: stateDir },
      control: { socket: path.join(stateDir, 'control.sock') },
      discovery: { multicast: false },
      recording: { enabled: true, dir: recordingsDir },
      mqtt: { url },
    }),
    log: captureLog().log,
    wirings: [wireRecording, createWireUplink({ tuning: { willDelaySeconds: 0 } })],
  });
}

describe('storage alarms reach the centre', () => {
  // The shared-filesystem alarm is raised inside the recording service's start(), before the
  // uplink starts: it was lost when the uplink subscribed to the bus only in its own start().
  it('an alarm raised while the daemon starts arrives as a storage.alarm event at a real broker', async () => {
    const broker = await useBroker();
    const centre = await useCentre(broker.url);
    const dir = useTempDir('camgate-alarm-');
    const pwFile = path.join(dir, 'camera-password');
    fs.writeFileSync(pwFile, `${PASSWORD}\n`);
    const config = configSchema.parse({
      site: { id: 'korosten-01' },
      gateway: { id: 'nvr-01' },
      storage: { path: dir },
      control: { socket: path.join(dir, 'control.sock') },
      discovery: { multicast: false },
      credentials: [{ match: '*', username: 'admin', passwordFile: pwFile }],
      // No cameras: no recorder and no RTSP peer; the database and the recordings share `dir`.
      recording: { enabled: true, dir: path.join(dir, 'recordings') },
      mqtt: { url: broker.url },
    });
    const { log, lines } = captureLog();
    const daemon = await startTestDaemon({
      config,
      log,
      wirings: [wireRecording, createWireUplink({ tuning: { willDelaySeconds: 0 } })],
    });
    const c = centre;
    await c.waitFor(() => c.events().some((e) => e.type === 'storage.alarm'), 'storage.alarm event');
    const event = eventPayload.parse(c.events().find((e) => e.type === 'storage.alarm'));
    expect(event).toMatchObject({
      type: 'storage.alarm',
      cameraId: null,
      code: 'db_shares_filesystem',
      message: expect.stringContaining('share one filesystem'),
    });
    expect(Date.parse(String(event.since))).toBeGreaterThan(0);
    const sections = daemon.context?.board.sectionsSnapshot() as {
      recording?: { storage: { alarms: Array<{ code: string }> } };
    };
    expect(sections.recording?.storage.alarms.map((a) => a.code)).toEqual(['db_shares_filesystem']);
    for (const m of c.messages) expect(m.text).not.toContain(PASSWORD);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  it.skipIf(shm === undefined)(
    'an alarm whose condition ended while the daemon was down is cleared at the next boot',
    async () => {
      const broker = await useBroker();
      const centre = await useCentre(broker.url);
      const c = centre;
      const state = useTempDir('camgate-alarm-');
      const first = await daemonFor(state, path.join(state, 'recordings'), broker.url);
      await c.waitFor(() => c.events().some((e) => e.type === 'storage.alarm'), 'the raise');
      await first.stop();

      // The technician moves recording.dir to its own disk while the daemon is stopped.
      const moved = fs.mkdtempSync(path.join(shm ?? '', 'camgate-rec-'));
      try {
        const second = await daemonFor(state, path.join(moved, 'recordings'), broker.url);
        await c.waitFor(() => c.events().some((e) => e.type === 'storage.alarm.cleared'), 'the clear');
        const cleared = eventPayload.parse(c.events().find((e) => e.type === 'storage.alarm.cleared'));
        const raised = eventPayload.parse(c.events().find((e) => e.type === 'storage.alarm'));
        expect(cleared).toMatchObject({ code: 'db_shares_filesystem', cameraId: null, since: raised.since });
        expect(c.events().filter((e) => e.type === 'storage.alarm')).toHaveLength(1);
        const sections = second.context?.board.sectionsSnapshot() as {
          recording?: { storage: { alarms: unknown[] } };
        };
        expect(sections.recording?.storage.alarms).toEqual([]);
      } finally {
        fs.rmSync(moved, { recursive: true, force: true });
      }
    },
  );
});
