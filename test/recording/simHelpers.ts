import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type SimSite, startSite } from '../../fixtures/sim/site.js';
import { systemClock } from '../../src/shared/clock.js';

export const SIM_USER = 'admin';
export const SIM_PASSWORD = 'rec-secret-7';

/** A simulated site on its own loopback addresses and ports, so parallel test files never collide. */
export async function startRecordingSite(cameras: number, base: string, port: number): Promise<SimSite> {
  return startSite({
    cameras: Array.from({ length: cameras }, () => ({ kind: 'overview' as const })),
    baseAddress: base,
    discovery: false,
    onvifPort: port,
    rtspPort: port + 1,
    username: SIM_USER,
    password: SIM_PASSWORD,
  });
}

export function withCredentials(url: string, password = SIM_PASSWORD): string {
  return url.replace('rtsp://', `rtsp://${SIM_USER}:${encodeURIComponent(password)}@`);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = systemClock.monotonic() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (systemClock.monotonic() > deadline) throw new Error(`timed out waiting for ${what}`);
    await systemClock.sleep(200);
  }
}

export function processAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie is dead for our purposes; its parent (this test) reaps it.
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}
