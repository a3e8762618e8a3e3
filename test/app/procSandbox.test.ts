import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { camgateBin, cliBuilt, repoRoot, runCli } from '../helpers/cli.js';
import { useSimProcess } from '../helpers/simProcess.js';

/**
 * What systemd does for `ProtectProc=invisible` and `ProcSubset=pid` (systemd/camgate.service):
 * the service's mount namespace gets its own procfs mounted `hidepid=invisible,subset=pid`. Here
 * the real daemon runs as an unprivileged user under exactly that mount (no systemd in the test
 * box), records a simulated camera with its own ffmpeg, and another local user looks for the
 * camera password in /proc.
 */
const NOBODY = 65534;
const OTHER_USER = 65533;
const PASSWORD = 'Proc-Secret-77';
const canSandbox =
  process.getuid?.() === 0 &&
  cliBuilt &&
  spawnSync('unshare', ['--version']).status === 0 &&
  spawnSync('setpriv', ['--version']).status === 0;
/**
 * The daemon runs as nobody from this checkout, as the service user runs it from /usr/lib: a clone
 * inside a 0700 directory (`git clone . "$(mktemp -d)"`) cannot be read by nobody, and then this
 * test cannot run; it says so instead of failing on a permission of the test machine.
 */
const nobodyReadsCheckout =
  canSandbox &&
  spawnSync('setpriv', [
    `--reuid=${NOBODY}`,
    `--regid=${NOBODY}`,
    '--clear-groups',
    'sh',
    '-c',
    `test -r "${camgateBin}" && test -r "${path.join(repoRoot, 'node_modules', 'better-sqlite3', 'package.json')}"`,
  ]).status === 0;
if (canSandbox && !nobodyReadsCheckout)
  console.warn(`procSandbox skipped: uid ${NOBODY} cannot read the checkout at ${repoRoot} (a 0700 parent)`);
const canRun = canSandbox && nobodyReadsCheckout;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  await Promise.race([exited, systemClock.sleep(10_000)]);
}

/** How many processes' command lines carry the password, read by `uid`, in the mount namespace of `nsPid` (or ours). */
function passwordSightings(uid: number, nsPid?: number): number {
  const look = [
    'setpriv',
    `--reuid=${uid}`,
    `--regid=${uid}`,
    '--clear-groups',
    'sh',
    '-c',
    // The bracket keeps grep's own argv from matching itself.
    `cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -c '${PASSWORD.slice(0, -1)}[${PASSWORD.slice(-1)}]' || true`,
  ];
  const argv = nsPid === undefined ? look : ['nsenter', `--target=${nsPid}`, '--mount', '--', ...look];
  return Number(execFileSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8' }).trim());
}

describe.skipIf(!canRun)(
  'the daemon under ProtectProc=invisible + ProcSubset=pid (root, unshare, built CLI)',
  () => {
    it('records a camera as before, and no other local user can read the camera password from /proc', async () => {
      const [simCam] = (
        await useSimProcess([
          '--cameras',
          '1',
          '--base',
          testBase(203),
          '--no-discovery',
          '--password',
          PASSWORD,
        ])
      ).cameras;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-proc-'));
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      fs.chmodSync(dir, 0o777);
      const configPath = path.join(dir, 'camgate.yaml');
      fs.writeFileSync(
        configPath,
        [
          'site: { id: proc-site }',
          'gateway: { id: gw-proc }',
          `storage: { path: ${dir}/state }`,
          `control: { socket: ${dir}/control.sock }`,
          'discovery: { multicast: false, probeWindowSeconds: 1 }',
          'mqtt: { url: "mqtt://127.0.0.1:1" }',
          `recording: { enabled: true, dir: ${dir}/rec, segmentSeconds: 10 }`,
          `cameras: [{ id: cam-1, rtsp: "${simCam?.rtspMainUrl}", class: overview }]`,
          `credentials: [{ match: cam-1, username: admin, password: ${PASSWORD} }]`,
        ].join('\n'),
      );
      fs.chmodSync(configPath, 0o644);
      const mountAndRun = [
        'mount -t proc -o hidepid=invisible,subset=pid proc /proc',
        `exec setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups ${process.execPath} ${camgateBin} run --config ${configPath}`,
      ].join(' && ');
      const daemon = spawn(
        'unshare',
        ['--mount', '--propagation', 'private', '--', 'sh', '-c', mountAndRun],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let logs = '';
      daemon.stdout.on('data', (d: Buffer) => {
        logs += d.toString();
      });
      daemon.stderr.on('data', (d: Buffer) => {
        logs += d.toString();
      });
      cleanups.push(() => stop(daemon));

      const until = systemClock.monotonic() + 90_000;
      let cam: { status?: string; recording?: { status?: string } } | undefined;
      while (cam?.status !== 'online' || cam.recording?.status !== 'ok') {
        if (daemon.exitCode !== null) throw new Error(`daemon exited ${daemon.exitCode}:\n${logs}`);
        if (systemClock.monotonic() > until)
          throw new Error(`camera ${JSON.stringify(cam)} after 90 s:\n${logs}`);
        await systemClock.sleep(1000);
        const r = await runCli(['status', '--json', '--config', configPath]);
        if (r.code === 0) cam = (JSON.parse(r.stdout) as { cameras: (typeof cam)[] }).cameras[0];
      }
      expect(fs.readdirSync(path.join(dir, 'rec'), { recursive: true }).length).toBeGreaterThan(0);
      const pid = daemon.pid ?? 0;
      // ffmpeg runs with the password in its argv: another user sees it through the ordinary /proc...
      expect(passwordSightings(OTHER_USER)).toBeGreaterThan(0);
      // ...and not through the service's /proc. Its own user still does (it supervises its ffmpeg).
      expect(passwordSightings(OTHER_USER, pid)).toBe(0);
      expect(passwordSightings(NOBODY, pid)).toBeGreaterThan(0);
      // ProcSubset=pid in effect: no /proc/net, /proc/cpuinfo for the service.
      const subset = execFileSync('nsenter', [`--target=${pid}`, '--mount', '--', 'ls', '/proc'], {
        encoding: 'utf8',
      });
      expect(subset.split('\n')).not.toContain('cpuinfo');
      expect(logs).not.toContain(PASSWORD);
      await stop(daemon);
      expect(daemon.exitCode).toBe(0);
    }, 150_000);
  },
);
