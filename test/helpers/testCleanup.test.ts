import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBroker } from '../uplink/helpers/rig.js';
import { deferCleanup } from './testCleanup.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

describe('deferCleanup', () => {
  const ran: string[] = [];

  it('registers steps for the end of this test', () => {
    deferCleanup(() => ran.push('dir'));
    deferCleanup(() => ran.push('broker'), { first: true });
    deferCleanup(() => ran.push('daemon'));
    deferCleanup(() => ran.push('fake-clock gateway'), { first: true });
    expect(ran).toEqual([]);
  });

  it('ran them after that test: first steps, then the rest, each last-registered-first', () => {
    expect(ran).toEqual(['fake-clock gateway', 'broker', 'daemon', 'dir']);
  });
});

describe('useBroker', () => {
  let pid: number | undefined;

  it('starts a real Mosquitto', async () => {
    const broker = await useBroker();
    pid = broker.pid;
    expect(pid).toBeDefined();
    expect(alive(pid ?? 0)).toBe(true);
  });

  it('which is gone when that test ends', () => {
    expect(alive(pid ?? 0)).toBe(false);
  });
});

describe('from beforeAll', () => {
  let pid: number | undefined;

  beforeAll(async () => {
    pid = (await useBroker()).pid;
  });
  afterAll(() => {
    // The file-scope cleanup runs after this file's own afterAll hooks.
    expect(alive(pid ?? 0)).toBe(true);
  });

  it('the broker lives across the tests of the file', () => {
    expect(alive(pid ?? 0)).toBe(true);
  });
});
