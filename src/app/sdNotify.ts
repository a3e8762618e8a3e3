import { execFile } from 'node:child_process';
import type { Log } from '../shared/log.js';

/**
 * systemd notify protocol. Node has no AF_UNIX datagram sockets, so we hand each message to
 * `systemd-notify`; the unit therefore sets `NotifyAccess=all`. Without NOTIFY_SOCKET this is
 * a no-op (foreground runs, tests).
 */
export class SdNotifier {
  private readonly enabled: boolean;

  constructor(private readonly deps: { log: Log; env?: NodeJS.ProcessEnv; binary?: string }) {
    this.enabled = Boolean((deps.env ?? process.env).NOTIFY_SOCKET);
  }

  get active(): boolean {
    return this.enabled;
  }

  /** Watchdog interval in ms (half of WATCHDOG_USEC), or undefined when not requested. */
  watchdogIntervalMs(): number | undefined {
    const env = this.deps.env ?? process.env;
    const usec = Number(env.WATCHDOG_USEC);
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return undefined;
    const pid = env.WATCHDOG_PID;
    if (pid && Number(pid) !== process.pid) return undefined;
    return Math.max(500, Math.floor(usec / 2000));
  }

  ready(status?: string): Promise<void> {
    return this.send(['READY=1', ...(status ? [`STATUS=${status}`] : [])]);
  }

  watchdog(): Promise<void> {
    return this.send(['WATCHDOG=1']);
  }

  stopping(): Promise<void> {
    return this.send(['STOPPING=1']);
  }

  status(text: string): Promise<void> {
    return this.send([`STATUS=${text}`]);
  }

  private send(assignments: string[]): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    const binary = this.deps.binary ?? 'systemd-notify';
    return new Promise((resolve) => {
      execFile(
        binary,
        [`--pid=${process.pid}`, ...assignments],
        { env: this.deps.env ?? process.env, timeout: 5000 },
        (err) => {
          if (err) this.deps.log.warn({ err, assignments }, 'systemd notify failed');
          resolve();
        },
      );
    });
  }
}
