import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/shared/log.js';
import { BootRepo } from '../../src/store/bootRepo.js';
import { HistoryRepo } from '../../src/store/historyRepo.js';
import { Store } from '../../src/store/store.js';
import { UplinkOutageRepo } from '../../src/store/uplinkOutageRepo.js';
import { runCliInProcess } from '../helpers/cli.js';
import { FakeClock } from '../helpers/fakeClock.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCliInProcess(argv);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('camgate outages / why against a database, daemon stopped', () => {
  let dir: string;
  let config: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-cli-'));
    config = path.join(dir, 'camgate.yaml');
    fs.writeFileSync(
      config,
      [
        'site: { id: test-site }',
        'gateway: { id: nvr-1 }',
        `storage: { path: ${JSON.stringify(path.join(dir, 'state'))} }`,
        `control: { socket: ${JSON.stringify(path.join(dir, 'control.sock'))} }`,
        'cameras:',
        '  - { id: spare-1, rtsp: "rtsp://10.0.0.99:554/s", class: panoramic }',
      ].join('\n'),
    );
    // A daemon's history: gate-1 stalled for 90 s and came back; yard,2 is refused and still down.
    const store = Store.open({ dir: path.join(dir, 'state'), log: silentLog() });
    const clock = new FakeClock({ wall: Date.UTC(2026, 4, 1, 10, 0, 0) });
    new BootRepo(store.db).start('boot-a', 'test', clock.now());
    const history = new HistoryRepo(store.db);
    const at = () => ({ bootId: 'boot-a', wallMs: clock.now(), monoMs: clock.monotonic() });
    history.recordTransition({
      cameraId: 'gate-1',
      from: 'unknown',
      to: 'online',
      reasons: [],
      cause: undefined,
      outage: undefined,
      ...at(),
    });
    clock.advance(60_000);
    history.recordTransition({
      cameraId: 'gate-1',
      from: 'online',
      to: 'offline',
      reasons: ['stream_stalled'],
      cause: 'stream_stalled',
      outage: 'start',
      ...at(),
    });
    clock.advance(90_000);
    history.recordTransition({
      cameraId: 'gate-1',
      from: 'offline',
      to: 'online',
      reasons: [],
      cause: undefined,
      outage: 'end',
      ...at(),
    });
    clock.advance(3_600_000);
    history.recordTransition({
      cameraId: 'yard,2',
      from: 'unknown',
      to: 'offline',
      reasons: ['connection_refused'],
      cause: 'camera_offline',
      outage: 'start',
      ...at(),
    });
    store.close();
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--csv: header plus one RFC 4180 row per outage', async () => {
    const { code, out } = await cli(['outages', '--config', config, '--csv']);
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n')).toEqual([
      'camera_id,kind,cause,started_at,ended_at,duration_ms,end_reason,boot_id',
      'gate-1,stream,stream_stalled,2026-05-01T10:01:00.000Z,2026-05-01T10:02:30.000Z,90000,restored,boot-a',
      '"yard,2",stream,camera_offline,2026-05-01T11:02:30.000Z,,,,boot-a',
    ]);
  });

  it('--kind uplink lists the gateway uplink outages only (issue #12)', async () => {
    const store = Store.open({ dir: path.join(dir, 'state'), log: silentLog() });
    const wall = Date.UTC(2026, 4, 1, 12, 0, 0);
    const uplink = new UplinkOutageRepo(store.db, 'nvr-1');
    uplink.open('broker_unreachable', { bootId: 'boot-a', wallMs: wall, monoMs: 1000 });
    uplink.close({ bootId: 'boot-a', wallMs: wall + 7_200_000, monoMs: 7_201_000 });
    store.close();
    const up = await cli(['outages', '--config', config, '--json', '--kind', 'uplink']);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.out)).toEqual({
      outages: [
        {
          cameraId: 'nvr-1',
          kind: 'uplink',
          cause: 'broker_unreachable',
          startedAt: '2026-05-01T12:00:00.000Z',
          endedAt: '2026-05-01T14:00:00.000Z',
          durationMs: 7_200_000,
          endReason: 'restored',
          bootId: 'boot-a',
        },
      ],
    });
    const stream = await cli(['outages', '--config', config, '--json', '--kind', 'stream']);
    expect((JSON.parse(stream.out) as { outages: { kind: string }[] }).outages.map((o) => o.kind)).toEqual([
      'stream',
      'stream',
    ]);
    const bad = await cli(['outages', '--config', config, '--kind', 'camera']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--kind must be one of stream, recording, uplink/);
  });

  it('--json: one document, filtered by --camera and --since', async () => {
    const all = await cli(['outages', '--config', config, '--json']);
    expect(all.code).toBe(0);
    expect((JSON.parse(all.out) as { outages: unknown[] }).outages).toHaveLength(2);
    const one = await cli(['outages', '--config', config, '--json', '--camera', 'gate-1']);
    expect(JSON.parse(one.out)).toEqual({
      outages: [
        {
          cameraId: 'gate-1',
          kind: 'stream',
          cause: 'stream_stalled',
          startedAt: '2026-05-01T10:01:00.000Z',
          endedAt: '2026-05-01T10:02:30.000Z',
          durationMs: 90_000,
          endReason: 'restored',
          bootId: 'boot-a',
        },
      ],
    });
    const recent = await cli(['outages', '--config', config, '--json', '--since', '2026-05-01T10:30:00Z']);
    expect(
      (JSON.parse(recent.out) as { outages: { cameraId: string }[] }).outages.map((o) => o.cameraId),
    ).toEqual(['yard,2']);
  });

  it('default: an aligned table', async () => {
    const { code, out } = await cli(['outages', '--config', config]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CAMERA\s+CAUSE\s+STARTED\s+ENDED\s+DURATION\s+END$/);
    expect(lines[2]).toMatch(
      /^gate-1\s+stream_stalled\s+2026-05-01T10:01:00.000Z\s+2026-05-01T10:02:30.000Z\s+1m 30s\s+restored$/,
    );
    expect(lines[3]).toMatch(/ongoing$/);
    expect(lines[2]?.indexOf('stream_stalled')).toBe(lines[3]?.indexOf('camera_offline'));
  });

  it('exit 2 on a bad --since, naming the argument', async () => {
    const { code, err } = await cli(['outages', '--config', config, '--since', 'last tuesday']);
    expect(code).toBe(2);
    expect(err).toMatch(/--since/);
  });

  it('exit 2 on --json with --csv', async () => {
    expect((await cli(['outages', '--config', config, '--json', '--csv'])).code).toBe(2);
  });

  it('exit 1 when there is no database yet', async () => {
    fs.rmSync(path.join(dir, 'state'), { recursive: true });
    const { code, err } = await cli(['outages', '--config', config]);
    expect(code).toBe(1);
    expect(err).toMatch(/STORE_OPEN/);
  });

  it('why, daemon stopped: the last transition and open outage from the database', async () => {
    const { code, out } = await cli(['why', 'yard,2', '--config', config]);
    expect(code).toBe(0);
    expect(out).toMatch(
      /^camera yard,2: offline since 2026-05-01T11:02:30.000Z, not integrated \(cause: camera_offline\)/,
    );
    expect(out).toMatch(/daemon not running/);
    expect(out).toMatch(/reasons: connection_refused/);
    expect(out).toMatch(/open outage: camera_offline since 2026-05-01T11:02:30.000Z/);
    const json = await cli(['why', 'gate-1', '--config', config, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ found: true, status: 'online', cause: 'uplink_down' });
  });

  it('why, daemon stopped: a camera declared in the config but never observed is known', async () => {
    const { code, out } = await cli(['why', 'spare-1', '--config', config, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ found: true, status: 'unknown', cause: 'not_yet_seen' });
  });

  it('why: exit 2 for an unknown camera and for a missing argument', async () => {
    const unknown = await cli(['why', 'ghost', '--config', config]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/ghost/);
    expect((await cli(['why', '--config', config])).code).toBe(2);
  });
});
