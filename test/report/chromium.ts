import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Debian's chromium, headless, with every background network feature off (tests stay on loopback). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

export const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

function run(args: string[], timeoutMs = 60_000): Promise<string> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-chromium-'));
  return new Promise((resolve, reject) => {
    if (!chromiumPath) {
      reject(new Error('chromium is not installed (apt-get install chromium)'));
      return;
    }
    execFile(
      chromiumPath,
      [...FLAGS, `--user-data-dir=${profile}`, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        fs.rmSync(profile, { recursive: true, force: true });
        if (err) reject(new Error(`chromium failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

export function dumpDom(url: string, extra: string[] = []): Promise<string> {
  return run([...extra, '--dump-dom', url]);
}

export async function screenshot(url: string, file: string, size = '1200,1600'): Promise<void> {
  await run([`--screenshot=${file}`, `--window-size=${size}`, url]);
  if (!fs.existsSync(file)) throw new Error(`chromium wrote no screenshot to ${file}`);
}

/** Decodes a PNG to RGB with ffmpeg (no image library in the project) and counts pixels per colour test. */
export function countPixels(
  file: string,
  tests: Record<string, (r: number, g: number, b: number) => boolean>,
): Promise<Record<string, number> & { total: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffmpeg',
      ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (err, stdout) => {
        if (err) {
          reject(err);
          return;
        }
        const counts: Record<string, number> = Object.fromEntries(Object.keys(tests).map((k) => [k, 0]));
        for (let i = 0; i + 2 < stdout.length; i += 3) {
          const r = stdout[i] ?? 0;
          const g = stdout[i + 1] ?? 0;
          const b = stdout[i + 2] ?? 0;
          for (const [k, t] of Object.entries(tests)) if (t(r, g, b)) counts[k] = (counts[k] ?? 0) + 1;
        }
        resolve({ ...counts, total: stdout.length / 3 });
      },
    );
  });
}
