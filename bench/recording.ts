/**
 * Recording bench: `npx tsx bench/recording.ts --cameras 16 [--seconds 30] [--warmup 10]`.
 * Starts the simulated site in a child process (its CPU is not ours), records every camera's
 * main stream with RecordingService (one ffmpeg `-c copy` per camera) from this process, then
 * samples CPU (/proc/PID/stat utime+stime) and PSS (/proc/PID/smaps_rollup) of this process
 * ("camgate") and of its ffmpeg children, plus bytes written per second.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { withCredentials } from '../src/recording/recordingPlans.js';
import { RecordingService } from '../src/recording/recordingService.js';
import { systemClock } from '../src/shared/clock.js';
import { EventBus } from '../src/shared/events.js';
import { silentLog } from '../src/shared/log.js';
import { probeSegment } from '../src/streams/ffmpeg/recorderProbe.js';
import { cpuTicks, pssKb, startSimProcess } from './procStats.js';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    base: { type: 'string', default: '127.0.120.1' },
  },
});
const cameras = Number(values.cameras);
const seconds = Number(values.seconds);
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const creds = { username: 'admin', password: 'bench-rec-secret' };

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of fs.readdirSync(dir, { recursive: true })) {
    const st = fs.statSync(path.join(dir, String(name)));
    if (st.isFile()) total += st.size;
  }
  return total;
}

async function startSim(): Promise<{ pid: number; urls: string[]; stop: () => void }> {
  const sim = await startSimProcess([
    '--cameras',
    String(cameras),
    '--kinds',
    'overview',
    '--base',
    values.base,
    '--password',
    creds.password,
    '--no-discovery',
    '--onvif-port',
    '18400',
    '--rtsp-port',
    '18401',
  ]);
  return { pid: sim.pid, urls: sim.urls, stop: () => sim.child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const sim = await startSim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-bench-rec-'));
  const service = new RecordingService(
    sim.urls.map((u, i) => ({
      cameraId: `cam-${i}`,
      source: 'own' as const,
      url: () => withCredentials(u, creds),
    })),
    { dir, segmentSeconds: 10, retentionDays: 30, minFreePercent: 5, stallSeconds: 3 },
    {
      clock: systemClock,
      log: silentLog(),
      bus: new EventBus(),
      gaps: { open: () => undefined, close: () => undefined },
      probe: (f) => probeSegment(f),
    },
  );
  try {
    await service.start();
    await systemClock.sleep(Number(values.warmup) * 1000);
    const pids = service.recorderPids();
    const all = [process.pid, sim.pid, ...pids];
    const before = new Map(all.map((p) => [p, cpuTicks(p)]));
    const bytes0 = dirBytes(dir);
    const t0 = systemClock.monotonic();
    await systemClock.sleep(seconds * 1000);
    const elapsed = (systemClock.monotonic() - t0) / 1000;
    const cpu = (pid: number) => (((cpuTicks(pid) ?? 0) - (before.get(pid) ?? 0)) / CLK_TCK / elapsed) * 100;
    const ff = pids.filter((p) => fs.existsSync(`/proc/${p}`));
    const ffCpu = ff.reduce((s, p) => s + cpu(p), 0);
    const ffPss = ff.reduce((s, p) => s + pssKb(p), 0);
    const statuses = service.cameras().map((c) => c.status);
    const result = {
      cameras,
      seconds: Math.round(elapsed),
      ok: statuses.filter((s) => s === 'ok').length,
      ffmpegRunning: ff.length,
      recorderStarts: service.cameras().reduce((n, c) => n + (c.recorder?.starts ?? 0), 0),
      lastExit: service.cameras().find((c) => c.recorder?.lastExit)?.recorder?.lastExit,
      sampleTail: service
        .cameras()
        .find((c) => c.status !== 'ok')
        ?.recorder?.stderrTail.slice(-3),
      camgateCpuPct: Math.round(cpu(process.pid) * 10) / 10,
      camgatePssMiB: Math.round((pssKb(process.pid) / 1024) * 10) / 10,
      ffmpegCpuPctTotal: Math.round(ffCpu * 10) / 10,
      ffmpegCpuPctPerCamera: Math.round((ffCpu / Math.max(1, ff.length)) * 100) / 100,
      ffmpegPssMiBTotal: Math.round((ffPss / 1024) * 10) / 10,
      ffmpegPssMiBPerCamera: Math.round((ffPss / 1024 / Math.max(1, ff.length)) * 100) / 100,
      simulatorCpuPct: Math.round(cpu(sim.pid) * 10) / 10,
      writtenKBps: Math.round((dirBytes(dir) - bytes0) / 1024 / elapsed),
      cores: os.cpus().length,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await service.stop();
    sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
