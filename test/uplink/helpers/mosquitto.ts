import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../../src/shared/clock.js';
import { reservedPort } from '../../helpers/ports.js';

const MOSQUITTO = '/usr/sbin/mosquitto';

/** Brokers this process started; killed by PID if the test worker exits without cleaning up. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (err) {
      // Already gone (ESRCH) is the normal case here; nothing else can be done at exit.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
});

export interface BrokerOptions {
  /** Extra lines for mosquitto.conf (listeners beyond the plain one, ACL, TLS). */
  readonly extra?: (dir: string) => string[];
  /** Keep retained messages and sessions across a restart. */
  readonly persistence?: boolean;
}

/** A real Mosquitto on 127.0.0.1, started and stopped by PID; `port` is the plain listener. */
export class Broker {
  private child: ChildProcess | undefined;
  readonly stderr: string[] = [];

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly extraPorts: readonly number[],
  ) {}

  static async start(options: BrokerOptions & { extraPortCount?: number } = {}): Promise<Broker> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-mosq-'));
    const port = await freePort();
    const extraPorts: number[] = [];
    for (let i = 0; i < (options.extraPortCount ?? 0); i += 1) extraPorts.push(await freePort());
    const broker = new Broker(dir, port, extraPorts);
    const lines = [
      // As root mosquitto drops to user 'mosquitto', which cannot read our 0700 temp dir.
      `user ${os.userInfo().username}`,
      'per_listener_settings false',
      'allow_anonymous true',
      `listener ${port} 127.0.0.1`,
      'max_inflight_messages 1000',
      'max_queued_messages 2000000',
      'max_queued_bytes 0',
      `persistence ${options.persistence === false ? 'false' : 'true'}`,
      `persistence_location ${dir}/`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      ...(options.extra?.(dir) ?? []),
    ];
    fs.writeFileSync(path.join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
    await broker.launch();
    return broker;
  }

  /** Adds lines to mosquitto.conf; takes effect at the next launch(). */
  appendConfig(lines: readonly string[]): void {
    fs.appendFileSync(path.join(this.dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async launch(): Promise<void> {
    const child = spawn(MOSQUITTO, ['-c', path.join(this.dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.child = child;
    const pid = child.pid;
    if (pid !== undefined) {
      live.add(pid);
      child.once('exit', () => live.delete(pid));
    }
    for (let i = 0; i < 100; i += 1) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited: ${this.stderr.join('')}`);
      if (await canConnect(this.port)) return;
      await systemClock.sleep(50);
    }
    throw new Error(`mosquitto did not listen on ${this.port}: ${this.stderr.join('')}`);
  }

  /** SIGTERM by PID (mosquitto saves its persistence file), and waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A port for Mosquitto (which cannot listen on port 0 and report it); see `reservedPort`. */
export async function freePort(): Promise<number> {
  return await reservedPort('127.0.0.1');
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
