import type { CommandPayload } from './payloads.js';

/**
 * A date no later than this source was released: a wall clock before it is certainly wrong (an
 * RTC-less NVR boots at 1970 until NTP answers). Raise it when cutting a release.
 */
export const CLOCK_FLOOR_MS = Date.parse('2026-11-01T00:00:00Z');

/** How far our wall clock may be from the centre's (estimated through the broker) and still be trusted. */
export const CLOCK_SYNC_TOLERANCE_MS = 120_000;

/** When and how the command reached us. */
export interface CommandReceipt {
  /** Our wall clock at receipt. */
  readonly wallMs: number;
  /** Our monotonic clock at receipt. */
  readonly monoMs: number;
  /**
   * MQTT 5 message expiry interval as the broker delivered it: what is left of the lifetime the
   * centre set, after the time the command waited in the broker's queue (counted on the broker's clock).
   */
  readonly messageExpirySeconds?: number;
}

export type ExpiryRule =
  | 'expiresAt'
  | 'issuedAt+ttlSeconds'
  | 'messageExpiry'
  | 'ttlSeconds'
  | 'unverifiable'
  | 'none';

export interface ExpiryVerdict {
  readonly expired: boolean;
  /**
   * The rule that expired the command, or else the one whose deadline comes first; `none` when the
   * command has no deadline; `unverifiable` when its only deadline is `expiresAt` and our wall
   * clock is untrusted (not run).
   */
  readonly rule: ExpiryRule;
  readonly wallClock: 'trusted' | 'untrusted';
  readonly untrustedBecause?: 'before_build_date' | 'out_of_sync';
}

interface Deadline {
  readonly rule: ExpiryRule;
  /** ms left after `nowMono`. */
  readonly leftMs: number;
}

/**
 * Decides whether a command is still worth running. Deadlines on the monotonic clock from receipt
 * always apply (`messageExpiry`: the broker already counted the queued time on its own clock;
 * `ttlSeconds`: the time it waits here). The centre's wall-clock deadline (`expiresAt`, else
 * `issuedAt + ttlSeconds`) applies only while our wall clock is plausible: not before the build
 * date, and, where MQTT 5 lets us estimate the centre's time, within two minutes of it. Before,
 * a gateway booted at 1970 ran a two-day-old command and one stepped +2 h refused fresh ones.
 */
export function judgeExpiry(cmd: CommandPayload, receipt: CommandReceipt, nowMono: number): ExpiryVerdict {
  const trust = wallClockTrust(cmd, receipt);
  const sinceReceipt = nowMono - receipt.monoMs;
  const deadlines: Deadline[] = [];
  if (receipt.messageExpirySeconds !== undefined) {
    deadlines.push({ rule: 'messageExpiry', leftMs: receipt.messageExpirySeconds * 1000 - sinceReceipt });
  }
  if (cmd.ttlSeconds !== undefined) {
    deadlines.push({ rule: 'ttlSeconds', leftMs: cmd.ttlSeconds * 1000 - sinceReceipt });
  }
  if (trust.wallClock === 'trusted') {
    const wallNow = receipt.wallMs + sinceReceipt;
    if (cmd.expiresAt !== undefined) {
      deadlines.push({ rule: 'expiresAt', leftMs: Date.parse(cmd.expiresAt) - wallNow });
    } else if (cmd.ttlSeconds !== undefined) {
      deadlines.push({
        rule: 'issuedAt+ttlSeconds',
        leftMs: Date.parse(cmd.issuedAt) + cmd.ttlSeconds * 1000 - wallNow,
      });
    }
  }
  if (deadlines.length === 0 && cmd.expiresAt !== undefined) {
    // Only a wall-clock deadline, and our wall clock cannot judge it: not run (it may be days old).
    return { expired: true, rule: 'unverifiable', ...trust };
  }
  const first = deadlines.sort((a, b) => a.leftMs - b.leftMs)[0];
  return {
    expired: first !== undefined && first.leftMs <= 0,
    rule: first?.rule ?? 'none',
    ...trust,
  };
}

function wallClockTrust(
  cmd: CommandPayload,
  receipt: CommandReceipt,
): Pick<ExpiryVerdict, 'wallClock' | 'untrustedBecause'> {
  if (receipt.wallMs < CLOCK_FLOOR_MS)
    return { wallClock: 'untrusted', untrustedBecause: 'before_build_date' };
  // The centre sets the message expiry to ttlSeconds when it issues the command (docs/mqtt.md), so
  // the lifetime the broker used up is the time since issuedAt on the broker's clock.
  const remaining = receipt.messageExpirySeconds;
  if (remaining !== undefined && cmd.ttlSeconds !== undefined && remaining <= cmd.ttlSeconds) {
    const centreNow = Date.parse(cmd.issuedAt) + (cmd.ttlSeconds - remaining) * 1000;
    // Whole seconds on the wire: allow one more second of rounding.
    if (Math.abs(receipt.wallMs - centreNow) > CLOCK_SYNC_TOLERANCE_MS + 1000) {
      return { wallClock: 'untrusted', untrustedBecause: 'out_of_sync' };
    }
  }
  return { wallClock: 'trusted' };
}
