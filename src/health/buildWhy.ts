import { streamCauseOf } from '../shared/causes.js';
import { isoTs } from '../shared/clock.js';
import { type CameraStatus, type CameraStatusRow, LPR_NO_READS } from '../shared/types.js';
import type { HealthState } from './healthMachine.js';
import { integrationOf } from './integration.js';
import type { WhyDoc } from './whyReport.js';

/** The history's open outage of the camera, as the outages table has it. */
export interface WhyOutage {
  readonly cause: string;
  readonly startedAt: string;
  readonly startedMs: number;
  readonly startedMonoMs: number | null;
  readonly bootId: string;
}

/** One row of the transitions table (newest first in the input). */
export interface WhyTransition {
  readonly at: string;
  readonly from: CameraStatus;
  readonly to: CameraStatus;
  readonly reasons: readonly string[];
}

/** "Now" on both clocks; monotonic and the boot only where a daemon is running. */
export interface WhyNow {
  readonly wallMs: number;
  readonly monoMs?: number;
  readonly bootId?: string;
}

export interface WhyInput {
  readonly cameraId: string;
  readonly now: WhyNow;
  /** The history database: whether it knows the camera, its last transitions and open outage. */
  readonly history: {
    readonly known: boolean;
    readonly transitions: readonly WhyTransition[];
    readonly openOutage: WhyOutage | undefined;
  };
  /** From the running daemon; absent when the CLI reads the database because no daemon answers. */
  readonly daemon?: {
    /** The health machine's live state and the wall time its status was entered. */
    readonly live: { readonly state: HealthState; readonly sinceIso: string } | undefined;
    /** The status board row: where the integration verdict (integrated, cause) is kept. */
    readonly row: CameraStatusRow | undefined;
  };
  /** Declared in the config: known even when never observed. */
  readonly declared?: boolean;
}

/**
 * The answer of `camgate why` (from the daemon's `GET /why/:camera`, or from the database when no
 * daemon runs): one assembly for both, pure. With no daemon nothing reaches the centre, so a
 * camera is never integrated then: its stream's own cause, else `uplink_down`.
 */
export function buildWhy(input: WhyInput): WhyDoc {
  const { cameraId, history, daemon } = input;
  const source = daemon ? 'daemon' : 'database';
  const live = daemon?.live;
  const row = daemon?.row;
  if (!live && !row && !history.known && !input.declared) {
    return { found: false, cameraId, source, transitions: [] };
  }
  const current = currentState(input);
  const integrated = row?.integrated ?? false;
  return {
    found: true,
    cameraId,
    source,
    status: current.status,
    since: current.since,
    reasons: current.reasons,
    integrated,
    cause: integrated ? undefined : causeOf(input, current),
    ...(daemon ? { evidence: evidence(input) } : {}),
    ...(row?.lpr ? { lpr: row.lpr } : {}),
    openOutage: history.openOutage && {
      cause: history.openOutage.cause,
      startedAt: history.openOutage.startedAt,
      durationMs: openOutageMs(history.openOutage, input.now),
    },
    transitions: history.transitions,
  };
}

interface Current {
  readonly status: CameraStatus;
  readonly since: string | undefined;
  readonly reasons: readonly string[];
}

/**
 * Live state, else the board row (daemon); the last transition, else "not yet observed" (database).
 * A row whose picture verdict made it degraded (app/cameraStates.ts folds it in) is what the
 * centre sees: then the row answers, so `why` and `status` agree.
 */
function currentState({ daemon, history }: WhyInput): Current {
  if (daemon) {
    const s = daemon.live?.state;
    const row = daemon.row;
    if (row && (row.picture?.reasons.length ?? 0) > 0)
      return { status: row.status, since: row.since, reasons: row.reasons };
    // An LPR verdict laid over the stream's state (CameraStates) is only on the board row.
    if (daemon.row?.lpr?.status === 'no_reads' && daemon.row.reasons.includes(LPR_NO_READS)) {
      return { status: daemon.row.status, since: daemon.row.since, reasons: daemon.row.reasons };
    }
    return {
      status: s?.status ?? row?.status ?? 'unknown',
      since: daemon.live?.sinceIso ?? row?.since,
      reasons: s?.reasons ?? row?.reasons ?? [],
    };
  }
  if (!history.known) return { status: 'unknown', since: undefined, reasons: ['not yet observed'] };
  const last = history.transitions[0];
  return { status: last?.to ?? 'unknown', since: last?.at, reasons: last?.reasons ?? [] };
}

function causeOf(input: WhyInput, current: Current): string | undefined {
  // The daemon's integration verdict when it has one; else the stream's own link in the chain.
  if (input.daemon) return input.daemon.row?.cause ?? streamCauseOf(current.status, current.reasons);
  return integrationOf({
    status: current.status,
    reasons: current.reasons,
    recording: 'unknown',
    uplinkUp: false,
  }).cause;
}

function evidence({ daemon, now }: WhyInput): WhyDoc['evidence'] {
  const s = daemon?.live?.state;
  const row = daemon?.row;
  const lastPacketAt =
    s?.lastPacketAt === undefined || now.monoMs === undefined
      ? undefined
      : isoTs(now.wallMs - (now.monoMs - s.lastPacketAt));
  return {
    lastPacketAt,
    stream: s?.stats ?? row?.stream,
    expectedFps: s?.expectedFps,
    detail: s?.detail,
    recording: row?.recording,
  };
}

/** Monotonic within the running boot (an NTP step cannot stretch it), else wall time. */
function openOutageMs(open: WhyOutage, now: WhyNow): number {
  const sameBoot = open.startedMonoMs !== null && now.monoMs !== undefined && open.bootId === now.bootId;
  return Math.round(sameBoot ? (now.monoMs ?? 0) - (open.startedMonoMs ?? 0) : now.wallMs - open.startedMs);
}
