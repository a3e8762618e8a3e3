import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { installCrashHandlers } from '../../src/cli/main.js';
import { systemClock } from '../../src/shared/clock.js';
import { cliBuilt, startDaemon } from '../helpers/cli.js';
import { tempConfig } from '../helpers/tempSite.js';

const PRELOAD = path.join(import.meta.dirname, 'fixtures', 'crashOnSignal.mjs');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function crashDaemon(mode: 'throw' | 'reject'): Promise<{ code: number | null; logs: string }> {
  const site = tempConfig();
  cleanups.push(site.cleanup);
  const daemon = await startDaemon(site.configPath, {
    NODE_OPTIONS: `--import ${PRELOAD}`,
    CAMGATE_TEST_CRASH: mode,
  });
  cleanups.push(() => daemon.stop());
  const exited = new Promise<number | null>((resolve) => {
    if (daemon.child.exitCode !== null) resolve(daemon.child.exitCode);
    daemon.child.on('exit', (code) => resolve(code));
  });
  daemon.child.kill('SIGUSR2');
  const code = await Promise.race([exited, systemClock.sleep(10_000).then(() => 'hung' as const)]);
  if (code === 'hung') throw new Error(`daemon still running 10 s after the fault:\n${daemon.logs()}`);
  return { code, logs: daemon.logs() };
}

function fatalLine(logs: string): Record<string, unknown> | undefined {
  return logs
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.level === 60);
}

describe.skipIf(!cliBuilt)(
  'process-level faults in the real daemon (built CLI; skipped without npm run build)',
  () => {
    it('an uncaught exception is logged redacted and the daemon exits 1 for systemd to restart', async () => {
      const { code, logs } = await crashDaemon('throw');
      expect(code).toBe(1);
      const fatal = fatalLine(logs);
      expect(fatal, logs).toMatchObject({ kind: 'uncaughtException' });
      expect(JSON.stringify(fatal)).toContain('rtsp://***@127.0.0.1:554/stream1');
      expect(logs).not.toContain('Crash-Secret-91');
    }, 40_000);

    it('an unhandled rejection is logged redacted and the daemon exits 1 (not left half-alive)', async () => {
      const { code, logs } = await crashDaemon('reject');
      expect(code).toBe(1);
      expect(fatalLine(logs), logs).toMatchObject({ kind: 'unhandledRejection' });
      expect(logs).not.toContain('Crash-Secret-91');
    }, 40_000);
  },
);

describe('installCrashHandlers before the daemon has a log (any command)', () => {
  it('writes the redacted stack to stderr and exits 1, once', () => {
    const handlers = new Map<string, (err: unknown) => void>();
    const exits: number[] = [];
    let stderr = '';
    const target = {
      on: (event: string, fn: (err: unknown) => void) => handlers.set(event, fn),
      exit: (code: number): never => {
        exits.push(code);
        return undefined as never;
      },
    };
    const sink = new Writable({
      write(chunk, _enc, cb) {
        stderr += String(chunk);
        cb();
      },
    });
    installCrashHandlers(target, sink);
    handlers.get('unhandledRejection')?.(new Error('GET rtsp://root:Pw-Unit-5@127.0.0.1/x failed'));
    handlers.get('uncaughtException')?.(new Error('second'));
    expect(exits).toEqual([1]);
    expect(stderr).toMatch(
      /^camgate: fatal unhandledRejection: Error: GET rtsp:\/\/\*\*\*@127\.0\.0\.1\/x failed/,
    );
    expect(stderr).not.toContain('Pw-Unit-5');
  });
});
