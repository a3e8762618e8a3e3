import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { LiveSession } from '../../src/streams/live/liveSession.js';
import { camgateBin } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';
import { chromiumPath, dumpDom } from '../report/chromium.js';

/** A WebSocket viewer, with the `ws` that node-rtsp-stream brings (Node 20 has no WebSocket client). */
interface Viewer {
  readonly binary: Buffer[];
  readonly texts: { status?: string; pictures?: number }[];
  close(): void;
}
type WsClient = {
  on(e: 'message', f: (data: Buffer | string) => void): void;
  on(e: 'open' | 'close', f: () => void): void;
  on(e: 'error', f: (err: Error) => void): void;
  close(): void;
};
const requireWs = createRequire(createRequire(import.meta.url).resolve('node-rtsp-stream'));
const WebSocket = requireWs('ws') as new (url: string) => WsClient;

async function viewer(port: number): Promise<Viewer> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const v: Viewer = { binary: [], texts: [], close: () => ws.close() };
  ws.on('message', (data) => {
    if (typeof data === 'string') v.texts.push(JSON.parse(data) as Viewer['texts'][number]);
    else v.binary.push(data);
  });
  await new Promise<void>((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  return v;
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 20_000): Promise<T> {
  const deadline = systemClock.monotonic() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (systemClock.monotonic() > deadline) throw new Error(`timed out waiting for ${what}`);
    await systemClock.sleep(50);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: gone
  }
}

/** PIDs of ffmpeg processes whose parent is `ppid`, from /proc. */
function ffmpegChildren(ppid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
        return m?.[1] === 'ffmpeg' && Number(m[2]) === ppid;
      } catch {
        return false; // the process ended while we listed
      }
    })
    .map(Number);
}

let site: SimSite;
beforeAll(async () => {
  site = await startSite({ cameras: [{ kind: 'overview' }], baseAddress: '127.0.41.1', discovery: false });
}, 120_000);
afterAll(() => site?.stop());

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function mainUrl(password = site.password): string {
  const cam = site.cameras[0];
  if (!cam) throw new Error('no sim camera');
  return cam.rtspMainUrl.replace('rtsp://', `rtsp://${site.username}:${password}@`);
}

async function session(rtspUrl = mainUrl()): Promise<LiveSession> {
  const s = new LiveSession({
    clock: systemClock,
    log: silentLog(),
    cameraId: 'cam-1',
    rtspUrl,
    port: 0,
    idleGraceMs: 300,
  });
  await s.start();
  cleanups.push(() => s.stop());
  return s;
}

describe('LiveSession with the site simulator', () => {
  it('streams the stream header and MPEG-TS to a viewer, and stops ffmpeg after the last viewer leaves', async () => {
    const s = await session();
    expect(s.ffmpegPid).toBeUndefined();
    const v = await viewer(s.port);
    const pid = await until('ffmpeg', () => s.ffmpegPid);
    expect(ffmpegChildren(process.pid)).toEqual([pid]);
    const header = await until('header', () => v.binary[0]);
    expect(header.subarray(0, 4).toString()).toBe('jsmp');
    expect([header.readUInt16BE(4), header.readUInt16BE(6)]).toEqual([640, 360]);
    await until('video', () => v.binary.length > 5);
    expect(v.binary[1]?.[0]).toBe(0x47);
    await until('pictures counted', () => v.texts.some((t) => (t.pictures ?? 0) > 0));

    v.close();
    await until('ffmpeg gone', () => !alive(pid), 10_000);
    expect(s.ffmpegPid).toBeUndefined();
    expect(ffmpegChildren(process.pid)).toEqual([]);
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
    const v = await viewer(s.port);
    const t = await until('exit status', () => v.texts.find((x) => x.status?.startsWith('ffmpeg exited')));
    expect(t.status).not.toContain('wrong-password');
    expect(ffmpegChildren(process.pid)).toEqual([]);
  }, 60_000);
});

describe('camgate live (subprocess)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  });

  it.skipIf(!fs.existsSync(camgateBin.replace('bin/camgate.js', 'dist/src/cli/main.js')))(
    'serves the page, and on Ctrl-C exits 0 leaving no ffmpeg behind; never prints the password',
    async () => {
      const t = tempConfig(`credentials:
  - { match: "*", username: ${site.username}, password: ${site.password} }
cameras:
  - { id: gate-1, rtsp: "${site.cameras[0]?.rtspMainUrl}", class: overview }
`);
      cleanups.push(t.cleanup);
      const c = spawn(
        process.execPath,
        [camgateBin, 'live', 'gate-1', '--port', '0', '--config', t.configPath],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = c;
      let out = '';
      c.stdout?.on('data', (d: Buffer) => {
        out += String(d);
      });
      c.stderr?.on('data', (d: Buffer) => {
        out += String(d);
      });
      const exited = new Promise<number | null>((resolve) => c.on('exit', (code) => resolve(code)));
      const port = Number(await until('page url', () => /127\.0\.0\.1:(\d+)\//.exec(out)?.[1]));
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain('camgate live · gate-1');
      const v = await viewer(port);
      await until('video', () => v.binary.length > 3);
      const pid = c.pid ?? 0;
      const ffmpeg = await until('ffmpeg child', () => ffmpegChildren(pid)[0]);

      if (chromiumPath) {
        // The page in a real browser: it counts WebSocket frames and draws the size from the header.
        const dom = await dumpDom(`http://127.0.0.1:${port}/`, ['--virtual-time-budget=4000']);
        expect(dom).toMatch(/id="size">640 x 360</);
        expect(Number(/id="frames">(\d+)</.exec(dom)?.[1] ?? 0)).toBeGreaterThan(0);
      }

      process.kill(pid, 'SIGINT');
      expect(await exited).toBe(0);
      expect(alive(ffmpeg)).toBe(false);
      expect(out).toContain('open http://127.0.0.1:');
      expect(out).not.toContain(site.password);
    },
    90_000,
  );
});
