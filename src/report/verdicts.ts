import type { PictureTime, ReportCamera, ReportInput, TimelineSegment, VerdictPeriod } from './model.js';
import type { Span } from './spans.js';

/** What a camera's figures are cut by: presence, maintenance and observed time (compute.ts). */
type Segmenter = (down: readonly Span[]) => readonly TimelineSegment[];

/** The spans of a camera's periods, open ones up to now. */
export function verdictSpans(
  periods: readonly VerdictPeriod[] | undefined,
  cameraId: string,
  nowMs: number,
  reason?: string,
): Span[] {
  return (periods ?? [])
    .filter((p) => p.cameraId === cameraId && (reason === undefined || p.reasons.includes(reason)))
    .map((p) => ({ fromMs: p.fromMs, toMs: p.toMs ?? nowMs }));
}

function downMs(segments: readonly TimelineSegment[]): number {
  return segments.filter((s) => s.state === 'down').reduce((sum, s) => sum + (s.toMs - s.fromMs), 0);
}

/** Picture-degraded time of one camera, and per reason; null when the database does not track it. */
export function pictureTime(input: ReportInput, camera: ReportCamera, cut: Segmenter): PictureTime | null {
  if (!input.picture) return null;
  const own = input.picture.filter((p) => p.cameraId === camera.id);
  const reasons = [...new Set(own.flatMap((p) => p.reasons))].sort();
  const byReasonMs: Record<string, number> = {};
  for (const r of reasons) {
    const ms = downMs(cut(verdictSpans(own, camera.id, input.nowMs, r)));
    if (ms > 0) byReasonMs[r] = ms;
  }
  return { degradedMs: downMs(cut(verdictSpans(own, camera.id, input.nowMs))), byReasonMs };
}

/** lpr_no_reads time of one camera; null when not tracked, or for a camera that never was LPR. */
export function lprNoReadsMs(input: ReportInput, camera: ReportCamera, cut: Segmenter): number | null {
  if (!input.lprNoReads) return null;
  const spans = verdictSpans(input.lprNoReads, camera.id, input.nowMs);
  if (camera.class !== 'lpr' && spans.length === 0) return null;
  return downMs(cut(spans));
}

/** A group's sum of a per camera figure; null when the database does not track it. */
export function groupSum(values: readonly (number | null)[], tracked: boolean): number | null {
  if (!tracked) return null;
  return values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
}
