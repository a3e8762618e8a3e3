import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { PictureEvidence } from '../../src/picture/pictureWhy.js';
import { systemClock } from '../../src/shared/clock.js';
import { runCliInProcess } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tempDir.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { GstServer } from '../streams/helpers/gstServer.js';
import { makeRawH264, makeStillH264 } from '../streams/helpers/rawH264.js';
import { captureLog } from '../uplink/helpers/gateway.js';

/** ffmpeg processes whose parent is this process, with their NUL-separated command lines. */
function ffmpegChildren(): [number, string][] {
  const out: [number, string][] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (!stat.includes('(ffmpeg)')) continue;
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) out.push([Number(d), fs.readFileSync(`/proc/${d}/cmdline`, 'utf8')]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

/** 6 s between a camera's checks (the default is 10 min). */
const INTERVAL_MINUTES = 0.1;

/**
 * Issue #17 on static RTSP cameras (no snapshot URI): the real daemon takes each check's keyframes
 * from the RTSP session it already keeps for the camera (GStreamer's RTSP server, real x264), not
 * from an ffmpeg of the check's own, and the verdicts are those of the pictures.
 */
describe('picture checks from the daemon own RTSP session', () => {
  it('a moving scene is sampled from the session and learnt ok; a still encoder is raised picture_frozen', async () => {
    const dir = useTempDir('camgate-picsession-');
    const still = await makeStillH264(dir);
    // testsrc2 moves over the whole picture (GStreamer's ball moves over a black one: dark, and
    // 92 % of it unchanged between two keyframes).
    const clip = await makeRawH264(dir, { seconds: 4, gop: 15, size: '320x240' });
    const servers = await Promise.all([
      GstServer.start({ source: 'raw-h264', file: clip, fps: 25, timestamps: 'valid' }),
      GstServer.start({ source: 'raw-h264', file: still, fps: 25, timestamps: 'valid' }),
    ]);
    for (const s of servers) deferCleanup(() => s.close());
    const [moving, frozen] = servers;
    const file = path.join(dir, 'camgate.yaml');
    fs.writeFileSync(
      file,
      [
        'site: { id: pic-session }',
        'gateway: { id: nvr-pic }',
        `storage: { path: ${JSON.stringify(path.join(dir, 'state'))} }`,
        `control: { socket: ${JSON.stringify(path.join(dir, 'control.sock'))} }`,
        'discovery: { multicast: false }',
        `picture: { intervalMinutes: ${INTERVAL_MINUTES} }`,
        'cameras:',
        `  - { id: cam-moving, rtsp: ${JSON.stringify(moving?.url)}, class: overview }`,
        `  - { id: cam-still, rtsp: ${JSON.stringify(frozen?.url)}, class: overview }`,
      ].join('\n'),
    );
    // Every ffmpeg the test's process starts, sampled every 50 ms: checks on the session's keyframes
    // start batch decoders reading stdin, never one that opens the camera's stream.
    const seen = new Map<number, string>();
    const poll = setInterval(() => {
      for (const [pid, cmd] of ffmpegChildren()) seen.set(pid, cmd);
    }, 50);
    deferCleanup(() => clearInterval(poll));
    const { log, lines } = captureLog();
    const daemon = await startTestDaemon({ config: loadConfigFile(file), log });
    const picture = async (id: string) =>
      (await daemon.context?.control.invoke('GET', `/picture/${id}`)) as PictureEvidence & {
        latestSource: string | null;
      };
    const waitFor = async (
      id: string,
      pred: (p: Awaited<ReturnType<typeof picture>>) => boolean,
      what: string,
    ) => {
      const deadline = systemClock.monotonic() + 90_000;
      for (;;) {
        const p = await picture(id);
        if (pred(p)) return p;
        if (systemClock.monotonic() > deadline)
          throw new Error(
            `${id}: ${what} not seen in 90 s\n${JSON.stringify(p)}\n${lines
              .filter((l) => l.includes('picture'))
              .slice(-10)
              .join('\n')}`,
          );
        await systemClock.sleep(500);
      }
    };

    const ok = await waitFor('cam-moving', (p) => p.status === 'ok', 'reference learnt');
    expect(ok.latestSource).toBe('session');
    expect(ok.reasons).toEqual([]);
    // The pattern moves between a check's two keyframes: they differ, so it is not frozen.
    expect(ok.last?.unchanged).toBeDefined();
    expect(ok.last?.unchanged ?? 1).toBeLessThan(0.9);

    const stuck = await waitFor('cam-still', (p) => p.reasons.includes('picture_frozen'), 'picture_frozen');
    expect(stuck.latestSource).toBe('session');
    expect(stuck.last?.unchanged).toBe(1);

    // `camgate why` says where the picture came from.
    const why = await runCliInProcess(['why', 'cam-moving', '--config', file]);
    expect(why.code, why.stderr).toBe(0);
    expect(why.stdout).toContain("from the daemon's own RTSP session");
    clearInterval(poll);
    const commands = [...seen.values()];
    expect(commands.filter((c) => c.includes('rtsp://'))).toEqual([]);
    expect(commands.filter((c) => c.includes('-f\0h264\0-i\0pipe:0')).length).toBeGreaterThan(0);
    expect(daemon.context?.board.sectionsSnapshot()).toMatchObject({ picture: { failures: 0 } });
  }, 180_000);
});
