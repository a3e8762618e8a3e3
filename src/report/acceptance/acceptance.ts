import { CAMERA_CLASSES, type CameraClass, type CameraStatus } from '../../shared/types.js';
import type { Report } from '../model.js';

/** What the daemon says about a camera right now (`GET /status`), when it runs. */
export interface LiveCameraState {
  readonly cameraId: string;
  readonly status: CameraStatus;
  readonly integrated: boolean;
  readonly cause?: string;
  readonly stream: {
    readonly codec?: string;
    readonly width?: number;
    readonly height?: number;
    readonly fps?: number;
  };
  readonly recording: { readonly status: string };
}

export interface HandoverCamera {
  readonly id: string;
  readonly class: CameraClass;
  readonly address: string;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly serial: string | null;
  readonly mac: string | null;
  readonly firstSeenAt: string;
}

export interface BoxCheck {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly detail: string;
}

export interface AcceptanceInput {
  readonly site: { readonly id: string; readonly name: string };
  readonly gatewayId: string;
  readonly version: string;
  readonly generatedAt: string;
  readonly cameras: readonly HandoverCamera[];
  /** Undefined when no daemon answered: current state is then unknown, which blocks acceptance. */
  readonly live: readonly LiveCameraState[] | undefined;
  /** The SLA report over the observation period before handover. */
  readonly report: Report;
  readonly checks: readonly BoxCheck[];
  /** Pictures taken for the sheet, by camera id (only when the daemon answered). */
  readonly snapshots?: ReadonlyMap<string, CameraSnapshot>;
  /** Picture references taken at handover, by camera id (only when the daemon answered). */
  readonly pictureReferences?: ReadonlyMap<string, PictureReferenceOutcome>;
}

/**
 * What became of the camera's picture reference at handover (issue #17): taken now; refused
 * because the picture is itself bad (dark, covered); failed (no picture); unavailable (checks
 * disabled, an older daemon); or kept (`--keep-references`: the earlier reference stays).
 */
export type PictureReferenceOutcome =
  | { readonly status: 'taken'; readonly mode: 'day' | 'night'; readonly takenAt: string }
  | { readonly status: 'refused' | 'failed' | 'unavailable' | 'kept'; readonly reason: string };

/** The camera's picture in the pack: a JPEG file beside the sheet, or why there is none. */
export type CameraSnapshot =
  | { readonly file: string; readonly source: string; readonly bytes: number }
  | { readonly error: string };

export interface AcceptanceCamera extends HandoverCamera {
  readonly status: string;
  readonly integrated: boolean | null;
  readonly cause: string | null;
  readonly stream: string | null;
  readonly recording: string | null;
  readonly uptimePct: number | null;
  readonly outages: number;
  readonly snapshot: CameraSnapshot | null;
  readonly pictureReference: PictureReferenceOutcome | null;
}

export interface AcceptanceDoc {
  readonly site: { readonly id: string; readonly name: string };
  readonly gatewayId: string;
  readonly version: string;
  readonly generatedAt: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly accepted: boolean;
  /** Why not, one line each; empty when accepted. */
  readonly openItems: readonly string[];
  readonly classes: Readonly<
    Record<
      CameraClass,
      { planned: number | null; installed: number; missing: number | null; integrated: number | null }
    >
  >;
  readonly cameras: readonly AcceptanceCamera[];
  readonly checks: readonly BoxCheck[];
}

/**
 * The site handover sheet: every installed camera identified and integrated now, installed at least
 * as planned per class, and no failed box check. Anything else is an open item with a reason.
 */
export function computeAcceptance(input: AcceptanceInput): AcceptanceDoc {
  const live = new Map((input.live ?? []).map((c) => [c.cameraId, c]));
  const cameras = input.cameras.map((c) => handoverRow(c, input.live ? live.get(c.id) : undefined, input));
  const open: string[] = [];
  if (!input.live) open.push('daemon not running: the current state of the cameras is unknown');
  for (const c of cameras) {
    if (input.live && c.integrated !== true) open.push(`${c.id}: not integrated (${c.cause ?? c.status})`);
    if (!c.serial && !c.mac) open.push(`${c.id}: no serial number or MAC recorded`);
    // The picture is how the owner checks aim and field of view at handover.
    if (c.snapshot && 'error' in c.snapshot) open.push(`${c.id}: no picture (${c.snapshot.error})`);
    // A camera without a handover reference would learn whatever it sees next, a fault included.
    const ref = c.pictureReference;
    if (ref && (ref.status === 'refused' || ref.status === 'failed'))
      open.push(`${c.id}: no picture reference (${ref.reason})`);
  }
  const classes = Object.fromEntries(
    CAMERA_CLASSES.map((k) => {
      const mine = cameras.filter((c) => c.class === k);
      const planned = input.report.classes[k].planned;
      if (planned !== null && mine.length < planned)
        open.push(`${k}: ${mine.length} installed of ${planned} planned`);
      const integrated = input.live ? mine.filter((c) => c.integrated === true).length : null;
      const missing = planned === null ? null : Math.max(0, planned - mine.length);
      return [k, { planned, installed: mine.length, missing, integrated }];
    }),
  ) as AcceptanceDoc['classes'];
  for (const check of input.checks)
    if (check.status === 'fail') open.push(`box check ${check.name}: ${check.detail}`);
  return {
    site: input.site,
    gatewayId: input.gatewayId,
    version: input.version,
    generatedAt: input.generatedAt,
    period: {
      from: new Date(input.report.window.fromMs).toISOString(),
      to: new Date(input.report.window.toMs).toISOString(),
    },
    accepted: open.length === 0,
    openItems: open,
    classes,
    cameras,
    checks: input.checks,
  };
}

function handoverRow(
  c: HandoverCamera,
  state: LiveCameraState | undefined,
  input: AcceptanceInput,
): AcceptanceCamera {
  const sla = input.report.cameras.find((r) => r.id === c.id);
  const s = state?.stream;
  return {
    ...c,
    status: state?.status ?? 'unknown',
    integrated: state ? state.integrated : null,
    cause: state?.cause ?? null,
    stream: s?.codec ? `${s.codec} ${s.width ?? '?'}x${s.height ?? '?'} ${s.fps ?? '?'} fps` : null,
    recording: state?.recording.status ?? null,
    uptimePct: sla?.uptime.pct ?? null,
    outages: sla?.outageCount ?? 0,
    snapshot: input.snapshots?.get(c.id) ?? null,
    pictureReference: input.pictureReferences?.get(c.id) ?? null,
  };
}
