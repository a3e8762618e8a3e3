import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { CliIoInput } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import type { Clock } from '../../src/shared/clock.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const camgateBin = path.join(repoRoot, 'bin/camgate.js');
/** Whether `npm run build` has produced the CLI that `camgateBin` runs. */
export const cliBuilt = fs.existsSync(path.join(repoRoot, 'dist/src/cli/main.js'));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams (fast; for command logic). */
export async function runCliInProcess(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  opts: { tty?: boolean; clock?: Clock } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(String(chunk));
        cb();
      },
    });
  const io: CliIoInput = {
    stdout: sink((s) => {
      stdout += s;
    }),
    stderr: sink((s) => {
      stderr += s;
    }),
    env,
    isTty: opts.tty ?? false,
    clock: opts.clock,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Runs the built CLI (`bin/camgate.js`) as a real subprocess. Requires `npm run build`. */
export function runCli(argv: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [camgateBin, ...argv], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += String(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += String(c);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`camgate ${argv.join(' ')} timed out\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Starts `camgate run` as a subprocess; resolves once the control socket answers. */
export async function startDaemon(
  configPath: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; logs: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [camgateBin, 'run', '--config', configPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout?.on('data', (c: Buffer) => {
    logs += String(c);
  });
  child.stderr?.on('data', (c: Buffer) => {
    logs += String(c);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!logs.includes('camgate running')) {
    if (child.exitCode !== null) throw new Error(`daemon exited early (${child.exitCode}):\n${logs}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`daemon did not start:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    logs: () => logs,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
