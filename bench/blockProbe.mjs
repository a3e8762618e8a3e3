/**
 * Preloaded into the daemon by `bench/daemon.ts --block-probe` (node --import): every event-loop
 * block over 20 ms, with the process's own CPU time inside it, and every GC pause over 2 ms, in
 * CLOCK_MONOTONIC µs (the clock of the bench's `brokerUpMonoUs`), written as JSON to
 * $CAMGATE_BLOCK_PROBE.<pid>.json at exit. The CPU time tells a block the daemon spent working from
 * one where it waited for a core: on this shared box at load 5-10 most of a long block is the
 * latter, and the wall figure alone does not say what the code did (#14). Plain JS: `node` runs it
 * as it is. A 5 ms interval timer is its whole cost. A block's `ms` is the timer's lateness, so
 * the block lies between `ms` and `ms` + 5 (where in the 5 ms it began is unknown), as the daemon's
 * own `eventLoop` figures lie between theirs and theirs + 20 (app/loopDelay.ts).
 */
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const out = process.env.CAMGATE_BLOCK_PROBE;
if (out) {
  const TICK_MS = 5;
  const monoUs = () => Number(process.hrtime.bigint() / 1000n);
  const blocks = [];
  const gcs = [];
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const ms = now - last - TICK_MS;
    if (ms > 20) {
      const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
      blocks.push({ endUs: monoUs(), ms: Math.round(ms), cpuMs: Math.round(cpuMs) });
    }
    last = now;
    lastCpu = cpu;
  }, TICK_MS);
  timer.unref();
  new PerformanceObserver((list) => {
    const nowPerf = performance.now();
    const nowMono = monoUs();
    for (const e of list.getEntries()) {
      if (e.duration < 2) continue;
      const startUs = Math.round(nowMono - (nowPerf - e.startTime) * 1000);
      gcs.push({ startUs, ms: Number(e.duration.toFixed(1)), kind: e.detail?.kind ?? 0 });
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    writeFileSync(`${out}.${process.pid}.json`, JSON.stringify({ blocks, gcs }));
  });
}
