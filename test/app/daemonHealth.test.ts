import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/app/daemon.js';
import { wireHealth } from '../../src/app/wireHealth.js';
import { loadConfigFile } from '../../src/config/load.js';
import { runCliInProcess } from '../helpers/cli.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { useTempDir } from '../helpers/tempDir.js';
import { startTestDaemon } from '../helpers/testDaemon.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCliInProcess(argv);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** The health wiring inside the real composition root, with the CLI talking to it and to its database. */
describe('daemon + health wiring + CLI', () => {
  let dir: string;
  let file: string;
  let clock: FakeClock;

  beforeEach(() => {
    dir = useTempDir('camgate-daemon-');
    file = path.join(dir, 'camgate.yaml');
    fs.writeFileSync(
      file,
      [
        'site: { id: test-site }',
        'gateway: { id: nvr-1 }',
        `storage: { path: ${JSON.stringify(path.join(dir, 'state'))} }`,
        `control: { socket: ${JSON.stringify(path.join(dir, 'control.sock'))} }`,
        'cameras:',
        '  - { id: yard-1, rtsp: "rtsp://10.0.0.41:554/stream1", class: overview }',
      ].join('\n'),
    );
    clock = new FakeClock({ wall: Date.UTC(2026, 4, 1, 6, 0, 0) });
  });

  const startDaemon = async (): Promise<Daemon> => {
    // Health alone: the real streams wiring would dial 10.0.0.41 and race the scripted samples.
    return await startTestDaemon({ config: loadConfigFile(file), clock, wirings: [wireHealth] });
  };

  it('live why from the daemon, history after it stops, gap_reboot after it restarts', async () => {
    const daemon = await startDaemon();
    const bus = daemon.context?.bus;
    for (let i = 0; i < 3; i++) {
      bus?.emit('stream.sample', {
        cameraId: 'yard-1',
        kind: 'packets',
        stats: { fps: 25 },
        at: clock.now(),
      });
      clock.advance(1000);
    }
    bus?.emit('stream.sample', { cameraId: 'yard-1', kind: 'unauthorized', detail: '401', at: clock.now() });
    clock.advance(2000);

    const live = await cli(['why', 'yard-1', '--config', file, '--json']);
    expect(live.err).toBe('');
    expect(live.code).toBe(0);
    expect(JSON.parse(live.out)).toMatchObject({
      source: 'daemon',
      status: 'unauthorized',
      cause: 'unauthorized',
      openOutage: { cause: 'unauthorized', durationMs: 2000 },
    });
    const status = await cli(['status', '--config', file, '--json']);
    expect(JSON.parse(status.out).cameras[0]).toMatchObject({ cameraId: 'yard-1', status: 'unauthorized' });

    await daemon.stop();
    const offline = await cli(['why', 'yard-1', '--config', file, '--json']);
    expect(offline.err).toBe('');
    expect(JSON.parse(offline.out)).toMatchObject({ source: 'database', status: 'unauthorized' });

    clock.advance(60_000);
    await startDaemon();
    const csv = await cli(['outages', '--config', file, '--csv']);
    expect(csv.out.trimEnd().split('\n')[1]).toMatch(/^yard-1,stream,unauthorized,.*,2000,gap_reboot,/);
  });
});
