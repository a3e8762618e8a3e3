import { execFile } from 'node:child_process';
import { type Check, type CheckResult, fail, ok, warn } from './check.js';

interface ToolRun {
  readonly code: number | 'missing' | 'timeout';
  readonly stdout: string;
}

function runTool(file: string, args: readonly string[], timeoutMs: number): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => {
      if (!err) {
        resolve({ code: 0, stdout });
        return;
      }
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
      if (e.code === 'ENOENT') resolve({ code: 'missing', stdout: '' });
      else if (e.killed) resolve({ code: 'timeout', stdout });
      else resolve({ code: typeof e.code === 'number' ? e.code : 1, stdout });
    });
  });
}

async function toolVersion(tool: 'ffmpeg' | 'ffprobe', timeoutMs: number): Promise<CheckResult> {
  const run = await runTool(tool, ['-hide_banner', '-version'], timeoutMs);
  const fix = 'install it: apt-get install ffmpeg (recording, deep probe and live view need it)';
  if (run.code === 'missing') return fail(tool, 'not found on PATH', fix);
  if (run.code !== 0) return fail(tool, `'${tool} -version' failed (${run.code})`, fix);
  const version = /version (\S+)/.exec(run.stdout)?.[1] ?? 'unknown version';
  return ok(tool, `version ${version}`);
}

export const ffmpegCheck: Check = async (deps) =>
  Promise.all([toolVersion('ffmpeg', deps.timeoutMs), toolVersion('ffprobe', deps.timeoutMs)]);

/**
 * `timedatectl show` needs systemd as PID 1 and D-Bus; in a container or on a SysV box it fails,
 * and then we honestly say the sync state is unknown rather than guessing.
 */
export const clockCheck: Check = async (deps) => {
  const run = await runTool('timedatectl', ['show'], deps.timeoutMs);
  const fix =
    'enable time sync (timedatectl set-ntp true, or chrony/systemd-timesyncd): outage times and MQTT ts depend on it';
  if (run.code === 'missing') return [warn('clock', 'sync state unknown: timedatectl not found', fix)];
  if (run.code !== 0) return [warn('clock', 'sync state unknown: timedatectl cannot reach systemd', fix)];
  const props = new Map(
    run.stdout
      .split('\n')
      .map((l) => l.split('='))
      .filter((p): p is [string, string] => p.length === 2),
  );
  const synced = props.get('NTPSynchronized');
  const tz = props.get('Timezone') ?? '?';
  if (synced === 'yes') return [ok('clock', `synchronised (NTP), timezone ${tz}`)];
  if (synced === 'no') return [warn('clock', `not synchronised (NTP=${props.get('NTP') ?? '?'})`, fix)];
  return [warn('clock', 'sync state unknown: timedatectl did not report NTPSynchronized', fix)];
};
