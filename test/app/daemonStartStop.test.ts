import { afterEach, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/app/daemon.js';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLog } from '../../src/shared/log.js';
import type { Service } from '../../src/shared/service.js';
import { tempConfig } from '../helpers/tempSite.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('Daemon start and stop', () => {
  it('a stop during start lets the service starting finish, starts nothing after it, and stops what started', async () => {
    const t = tempConfig('mqtt: { url: "mqtt://127.0.0.1:1" }');
    cleanups.push(t.cleanup);
    const log: string[] = [];
    let release!: () => void;
    const slow: Service = {
      name: 'slow',
      start: () =>
        new Promise<void>((resolve) => {
          log.push('slow start');
          release = resolve;
        }),
      stop: async () => {
        log.push('slow stop');
      },
    };
    const later: Service = {
      name: 'later',
      start: async () => {
        log.push('later start');
      },
      stop: async () => {
        log.push('later stop');
      },
    };
    const daemon = new Daemon({
      config: loadConfigFile(t.configPath),
      log: silentLog(),
      wirings: [() => [slow, later]],
    });
    const started = daemon.start();
    while (!release) await new Promise((r) => setTimeout(r, 5));
    const stopped = daemon.stop();
    const again = daemon.stop(); // a second SIGTERM waits for the same shutdown
    release();
    await started;
    await Promise.all([stopped, again]);
    expect(log).toEqual(['slow start', 'slow stop']);
  });
});
