import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { liveSourceUrl, resolveLiveTarget } from '../../src/cli/commands/live.js';
import { loadConfigFile } from '../../src/config/load.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { LiveSession, type LiveSessionDeps } from '../../src/streams/live/liveSession.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { cliBuilt } from '../helpers/cli.js';
import {
  alive,
  decodeTs,
  ffmpegChildren,
  stalledViewer,
  startLiveCli,
  status,
  until,
  viewer,
  wholePes,
} from '../helpers/live.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';

let site: SimSite;
beforeAll(async () => {
  site = await startSite({ cameras: [{ kind: 'overview' }], baseAddress: testBase(93), discovery: false });
}, 120_000);
afterAll(async () => {
  await site?.stop();
});

function mainUrl(password = site.password): string {
  const cam = site.cameras[0];
  if (!cam) throw new Error('no sim camera');
  return cam.rtspMainUrl.replace('rtsp://', `rtsp://${site.username}:${password}@`);
}

async function session(rtspUrl = mainUrl(), over: Partial<LiveSessionDeps> = {}): Promise<LiveSession> {
  const s = new LiveSession({
    clock: systemClock,
    log: silentLog(),
    cameraId: 'cam-1',
    rtspUrl,
    port: 0,
    idleGraceMs: 300,
    ...over,
  });
  await s.start();
  deferCleanup(() => s.stop());
  return s;
}

/**
 * The real ffmpeg with our arguments, its MPEG-TS padded with null packets to 8 Mbit/s (`-muxrate`,
 * placed before the output `-`). A stalled viewer is only skipped once the kernel's socket buffers
 * are full too, which on loopback is ~4 MB (the sender's buffer is autotuned to the 64 kB MSS, and
 * Node cannot set SO_SNDBUF): at our 1 Mbit/s that took ~35 s, at 8 Mbit/s it takes ~5 s. The
 * pictures, the join points and the fan-out are the same.
 */
function paddedFfmpeg(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-padded-'));
  deferCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'ffmpeg'); // named ffmpeg: `exec` below makes it the real one
  fs.writeFileSync(
    file,
    `#!/bin/sh
n=$#
for a do
  shift
  n=$((n - 1))
  if [ "$n" -eq 0 ]; then set -- "$@" -muxrate 8M; fi
  set -- "$@" "$a"
done
exec ffmpeg "$@"
`,
    { mode: 0o755 },
  );
  return file;
}

describe('LiveSession with the site simulator', () => {
  it('sends a viewer MPEG-TS from PAT in whole packets, and stops ffmpeg after the last viewer leaves', async () => {
    const s = await session();
    expect(s.ffmpegPid).toBeUndefined();
    const v = await viewer(s.port);
    const pid = await until('ffmpeg', () => s.ffmpegPid);
    expect(ffmpegChildren(process.pid)).toEqual([pid]);
    await until('video', () => v.binary.length > 5);
    const first = v.binary[0];
    expect(first?.[0]).toBe(0x47);
    expect((((first?.[1] ?? 0xff) & 0x1f) << 8) | (first?.[2] ?? 0xff)).toBe(0); // PAT first
    for (const m of v.binary) expect(m.length % 188).toBe(0);
    const st = await until('pictures counted', async () => {
      const x = await status(s.port);
      return x.pictures > 0 && x;
    });
    expect(st).toMatchObject({ status: 'live', width: 640, height: 360, viewers: 1 });

    v.close();
    await until('ffmpeg gone', () => !alive(pid), 10_000);
    expect(s.ffmpegPid).toBeUndefined();
    expect(ffmpegChildren(process.pid)).toEqual([]);
  }, 60_000);

  // Issue #7: a viewer who joined a running ffmpeg got the pipe's chunks from wherever they were
  // cut, and its JSMpeg threw "RangeError: offset is out of bounds".
  it('starts a late viewer at a join point: PAT first, whole packets, decodable from the first byte', async () => {
    const s = await session();
    const early = await viewer(s.port);
    await until('video for the first viewer', () => early.binary.length > 20);
    const late = await viewer(s.port);
    await until('video for the late viewer', () => late.binary.length > 60);
    const ts = Buffer.concat(late.binary);
    expect(ts.length % 188).toBe(0);
    expect([...ts.subarray(0, 3)]).toEqual([0x47, 0x40, 0x00]); // a PAT packet that starts its table
    const whole = wholePes(ts);
    const decoded = decodeTs(whole);
    expect(decoded.errors).toBe('');
    expect(decoded.frames).toBeGreaterThan(5);
    expect(ffmpegChildren(process.pid)).toEqual([s.ffmpegPid]); // one ffmpeg for both
  }, 60_000);

  // Review finding: `send()` ignored the socket's backlog, so a tab the browser stopped reading (or
  // a slow `ssh -L`) grew the gateway's memory by the stream's bitrate for as long as it stayed.
  it('stops queueing video for a viewer that stopped reading, while another keeps playing', async () => {
    const limit = 256 * 1024;
    const s = await session(mainUrl(), { maxViewerBacklog: limit, ffmpegPath: paddedFfmpeg() });
    const reading = await viewer(s.port);
    const stalled = await stalledViewer(s.port);
    deferCleanup(() => {
      stalled.destroy();
    });
    // The kernel's socket buffers fill first (~4 MB on loopback); then our queue, up to the limit.
    await until('stalled viewer skipped', async () => (await status(s.port)).behind === 1, 30_000);
    const got = reading.binary.length;
    for (let i = 0; i < 20; i += 1) {
      const st = await status(s.port);
      expect(st).toMatchObject({ behind: 1, viewers: 2 });
      // the limit plus the last chunk of ffmpeg's pipe (64 kB) that went out before it was reached
      expect(st.backlog).toBeLessThanOrEqual(limit + 64 * 1024);
      await systemClock.sleep(100);
    }
    await until('video for the reading viewer', () => reading.binary.length > got + 20);
    expect((await status(s.port)).status).toBe('live');
  }, 60_000);

  it('kills ffmpeg on stop() while a viewer still watches', async () => {
    const s = await session();
    await viewer(s.port);
    const pid = await until('ffmpeg', () => s.ffmpegPid);
    await s.stop();
    expect(alive(pid)).toBe(false);
    expect(ffmpegChildren(process.pid)).toEqual([]);
  }, 60_000);

  it('tells the viewer when the camera refuses, without the password', async () => {
    const s = await session(mainUrl('wrong-password'));
    await viewer(s.port);
    const st = await until('exit status', async () => {
      const x = await status(s.port);
      return x.status.startsWith('ffmpeg exited') && x;
    });
    expect(st.status).not.toContain('wrong-password');
    expect(ffmpegChildren(process.pid)).toEqual([]);
  }, 60_000);

  it('serves the player script, and answers 500 without dying when a handler throws', async () => {
    const ok = await session();
    const script = await fetch(`http://127.0.0.1:${ok.port}/jsmpeg-player.umd.min.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toMatch(/^\/\*![\s\S]*jsmpeg-player[\s\S]*MIT License/);

    const broken = await session(mainUrl(), {
      playerScript: () => {
        throw new Error('package missing');
      },
    });
    const res = await fetch(`http://127.0.0.1:${broken.port}/jsmpeg-player.umd.min.js`);
    expect(res.status).toBe(500);
    expect((await fetch(`http://127.0.0.1:${broken.port}/status`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${broken.port}/`)).status).toBe(200);
  }, 60_000);
});

describe('camgate live: the URL ffmpeg gets', () => {
  // Review finding: live.ts had its own copy of withCredentials that set the password unencoded;
  // the URL setter leaves `%` alone, so `p%41ss` reached the camera as `pAss`.
  it('carries the configured credential encoded as the recorder encodes it', async () => {
    const t = tempConfig(`credentials:
  - { match: gate-1, username: "op@site", password: "p%41ss:/@#" }
cameras:
  - { id: gate-1, rtsp: "rtsp://127.0.0.1:8554/main", class: overview }
`);
    deferCleanup(t.cleanup);
    const config = loadConfigFile(t.configPath);
    const url = new URL(liveSourceUrl(config, await resolveLiveTarget(config, 'gate-1')));
    expect(decodeURIComponent(url.username)).toBe('op@site');
    expect(decodeURIComponent(url.password)).toBe('p%41ss:/@#');
    expect(`${url.host}${url.pathname}`).toBe('127.0.0.1:8554/main');
  });
});

describe('camgate live (subprocess)', () => {
  it.skipIf(!cliBuilt)(
    'serves the page, and on Ctrl-C exits 0 leaving no ffmpeg behind; never prints the password',
    async () => {
      const live = await startLiveCli(site);
      deferCleanup(live.cleanup);
      const { child: c, port, exited } = live;
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain('camgate live · gate-1');
      const v = await viewer(port);
      await until('video', () => v.binary.length > 3);
      const pid = c.pid ?? 0;
      const ffmpeg = await until('ffmpeg child', () => ffmpegChildren(pid)[0]);

      process.kill(pid, 'SIGINT');
      expect(await exited).toBe(0);
      expect(alive(ffmpeg)).toBe(false);
      expect(live.output()).toContain('open http://127.0.0.1:');
      expect(live.output()).not.toContain(site.password);
    },
    90_000,
  );
});
