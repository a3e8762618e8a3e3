import { describe, expect, it } from 'vitest';
import { CLOCK_FLOOR_MS, judgeExpiry } from '../../src/uplink/commandExpiry.js';
import type { CommandPayload } from '../../src/uplink/payloads.js';

const REAL = Date.parse('2026-12-05T10:00:00Z');
const H = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const cmd = (p: Partial<CommandPayload>): CommandPayload => ({
  requestId: 'r',
  issuedAt: iso(REAL),
  args: {},
  ...p,
});

/** [case, command, our wall clock at receipt, MQTT 5 expiry left, ms since receipt, expected]. */
const cases: Array<
  [string, CommandPayload, number, number | undefined, number, ReturnType<typeof judgeExpiry>]
> = [
  [
    'fresh, clock right: the wall deadline binds',
    cmd({ ttlSeconds: 60 }),
    REAL + 1000,
    undefined,
    0,
    { expired: false, rule: 'issuedAt+ttlSeconds', wallClock: 'trusted' },
  ],
  [
    'an hour old, clock right: expired by issuedAt + ttl',
    cmd({ issuedAt: iso(REAL - H), ttlSeconds: 60 }),
    REAL,
    undefined,
    0,
    { expired: true, rule: 'issuedAt+ttlSeconds', wallClock: 'trusted' },
  ],
  [
    'clock stepped +2 h, fresh (MQTT 5 shows it was not queued): run on the monotonic rules',
    cmd({ ttlSeconds: 60 }),
    REAL + 2 * H,
    60,
    0,
    { expired: false, rule: 'messageExpiry', wallClock: 'untrusted', untrustedBecause: 'out_of_sync' },
  ],
  [
    'clock stepped -2 h, fresh: run, the wall clock is not trusted either',
    cmd({ ttlSeconds: 60 }),
    REAL - 2 * H,
    59,
    0,
    { expired: false, rule: 'messageExpiry', wallClock: 'untrusted', untrustedBecause: 'out_of_sync' },
  ],
  [
    'queued 50 s at the broker, clock right: still in sync, the earliest deadline binds',
    cmd({ ttlSeconds: 60 }),
    REAL + 50_500,
    10,
    0,
    { expired: false, rule: 'issuedAt+ttlSeconds', wallClock: 'trusted' },
  ],
  [
    'boot at 1970, only expiresAt: cannot be judged, not run',
    cmd({ issuedAt: iso(REAL - 48 * H), expiresAt: iso(REAL - 47 * H) }),
    Date.UTC(1970, 0, 1, 0, 5),
    undefined,
    0,
    { expired: true, rule: 'unverifiable', wallClock: 'untrusted', untrustedBecause: 'before_build_date' },
  ],
  [
    'boot at 1970, ttlSeconds: measured from receipt on the monotonic clock',
    cmd({ ttlSeconds: 30 }),
    Date.UTC(1970, 0, 1, 0, 5),
    undefined,
    0,
    { expired: false, rule: 'ttlSeconds', wallClock: 'untrusted', untrustedBecause: 'before_build_date' },
  ],
  [
    'boot at 1970, ttlSeconds, still waiting here after 31 s: expired on the monotonic clock',
    cmd({ ttlSeconds: 30 }),
    Date.UTC(1970, 0, 1, 0, 5),
    undefined,
    31_000,
    { expired: true, rule: 'ttlSeconds', wallClock: 'untrusted', untrustedBecause: 'before_build_date' },
  ],
  [
    'no deadline at all: runs',
    cmd({}),
    REAL,
    undefined,
    0,
    { expired: false, rule: 'none', wallClock: 'trusted' },
  ],
];

describe('judgeExpiry (pure): which rule decides', () => {
  it.each(cases)('%s', (_name, command, wall, left, waited, expected) => {
    const receipt = {
      wallMs: wall,
      monoMs: 5000,
      ...(left === undefined ? {} : { messageExpirySeconds: left }),
    };
    expect(judgeExpiry(command, receipt, 5000 + waited)).toEqual(expected);
  });

  it('the build-date floor is in the past of every test date and of the real clock', () => {
    expect(CLOCK_FLOOR_MS).toBeLessThan(REAL);
    expect(CLOCK_FLOOR_MS).toBeLessThan(Date.now());
  });
});
