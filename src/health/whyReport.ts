import { causeInfo, degradedReasonInfo } from '../shared/causes.js';
import type { CameraStatus, LprView, RecordingStatus, StreamStats } from '../shared/types.js';

/** Answer of `GET /why/:camera` and `camgate why`: the state, the reasons, and the evidence behind them. */
export interface WhyDoc {
  readonly found: boolean;
  readonly cameraId: string;
  /** 'daemon': live state; 'database': the daemon is not running, history only. */
  readonly source: 'daemon' | 'database';
  readonly status?: CameraStatus;
  readonly since?: string;
  readonly reasons?: readonly string[];
  readonly integrated?: boolean;
  readonly cause?: string;
  readonly evidence?: {
    readonly lastPacketAt?: string;
    readonly stream?: StreamStats;
    readonly expectedFps?: number;
    readonly detail?: string;
    readonly recording?: { readonly status: RecordingStatus; readonly lastSegmentAt?: string };
  };
  readonly openOutage?: { readonly cause: string; readonly startedAt: string; readonly durationMs: number };
  /** LPR cameras: the plate read rate, or why it cannot be watched (no plate topic, event service failing). */
  readonly lpr?: LprView;
  /** The recording side (`GET /recording/:camera`), when this camera's recording is verified. */
  readonly recording?: RecordingEvidence;
  readonly transitions: readonly {
    readonly at: string;
    readonly from: string;
    readonly to: string;
    readonly reasons: readonly string[];
  }[];
}

export interface RecordingEvidence {
  readonly source: string;
  readonly status: RecordingStatus;
  readonly detail: string;
  readonly lastSegmentAt?: string;
  readonly recorder?: {
    readonly running: boolean;
    readonly starts: number;
    readonly crashLoop: boolean;
    readonly lastExit?: string;
    /** ffmpeg's last stderr lines, credentials already redacted by the recorder. */
    readonly stderrTail: readonly string[];
  };
  readonly gaps?: readonly {
    readonly cause: string;
    readonly startedAt: string;
    readonly endedAt: string | null;
  }[];
}

/** Human rendering of a WhyDoc: first line answers the question, the rest is evidence. */
export function renderWhy(doc: WhyDoc): string {
  if (!doc.found) return `camera ${doc.cameraId}: unknown to this gateway`;
  const lines: string[] = [];
  const verdict =
    doc.integrated === true ? 'integrated' : `not integrated${doc.cause ? ` (cause: ${doc.cause})` : ''}`;
  lines.push(`camera ${doc.cameraId}: ${doc.status ?? 'unknown'} since ${doc.since ?? '?'}, ${verdict}`);
  if (doc.source === 'database') lines.push('  (daemon not running: from the history database)');
  const info = doc.integrated === true || doc.cause === undefined ? undefined : causeInfo(doc.cause);
  if (info) lines.push(`  means: ${info.explanation}`, `  next step: ${info.nextStep}`);
  if (doc.reasons && doc.reasons.length > 0) lines.push(`  reasons: ${doc.reasons.join(', ')}`);
  for (const r of doc.reasons ?? []) {
    const d = degradedReasonInfo(r);
    if (d) lines.push(`  ${r} means: ${d.explanation}`, `  next step: ${d.nextStep}`);
  }
  if (doc.lpr) lines.push(renderLpr(doc.lpr));
  const ev = doc.evidence;
  if (ev?.lastPacketAt) lines.push(`  last packet: ${ev.lastPacketAt}`);
  if (ev?.stream && Object.keys(ev.stream).length > 0)
    lines.push(`  stream: ${describeStream(ev.stream, ev.expectedFps)}`);
  if (ev?.detail) lines.push(`  detail: ${ev.detail}`);
  if (ev?.recording && !doc.recording)
    lines.push(
      `  recording: ${ev.recording.status}${ev.recording.lastSegmentAt ? ` (last segment ${ev.recording.lastSegmentAt})` : ''}`,
    );
  if (doc.recording) lines.push(...renderRecording(doc.recording));
  if (doc.openOutage) {
    const o = doc.openOutage;
    lines.push(`  open outage: ${o.cause} since ${o.startedAt} (${formatDuration(o.durationMs)})`);
  }
  if (doc.transitions.length > 0) {
    lines.push('  last transitions:');
    for (const t of doc.transitions) lines.push(`    ${t.at}  ${t.from} -> ${t.to}  ${t.reasons.join(', ')}`);
  }
  return lines.join('\n');
}

const LPR_WORDS: Record<LprView['status'], string> = {
  ok: 'reading plates',
  no_reads: 'NO plate reads in its usual reading hours',
  learning: 'learning its usual reading hours',
  no_topic: 'no licence-plate event topic: its read rate cannot be watched',
  error: 'its event service fails',
  unknown: 'not asked yet',
};

function renderLpr(l: LprView): string {
  const parts = [`  lpr: ${LPR_WORDS[l.status]}`];
  if (l.status !== 'no_topic' && l.status !== 'unknown') parts.push(`${l.readsLastHour} read(s) last period`);
  if (l.topic) parts.push(`topic ${l.topic}`);
  if (l.lastReadAt) parts.push(`last read ${l.lastReadAt}`);
  if (l.detail) parts.push(l.detail);
  return parts.join(', ');
}

function renderRecording(r: RecordingEvidence): string[] {
  const lines = [`  recording (${r.source}): ${r.status}, ${r.detail}`];
  const rec = r.recorder;
  if (rec) {
    const state = rec.running ? 'running' : 'not running';
    const loop = rec.crashLoop ? ', crash loop: waiting before the next try' : '';
    lines.push(`  recorder: ffmpeg ${state}, ${rec.starts} start(s)${loop}`);
    if (rec.lastExit) lines.push(`  recorder last exit: ${rec.lastExit.trim()}`);
    // A healthy recorder's lines are routine warnings; they are evidence only when something is wrong.
    const healthy = rec.running && r.status === 'ok';
    if (rec.stderrTail.length > 0 && !healthy) {
      lines.push('  ffmpeg said:');
      for (const line of rec.stderrTail.slice(-8)) lines.push(`    ${line}`);
    }
  }
  const gaps = r.gaps ?? [];
  if (gaps.length > 0) {
    lines.push('  recent recording gaps:');
    for (const g of gaps.slice(-5)) lines.push(`    ${g.startedAt} -> ${g.endedAt ?? 'open'}  ${g.cause}`);
  }
  return lines;
}

function describeStream(s: StreamStats, expectedFps: number | undefined): string {
  const parts = [
    s.codec,
    s.width !== undefined && s.height !== undefined ? `${s.width}x${s.height}` : undefined,
    s.fps !== undefined
      ? `${s.fps} fps${expectedFps !== undefined ? ` (expected ${expectedFps})` : ''}`
      : undefined,
    s.timestampFault !== undefined
      ? `RTP timestamps ${s.timestampFault}: fps and keyframe interval from arrival times`
      : undefined,
    s.bitrateKbps !== undefined ? `${s.bitrateKbps} kbit/s` : undefined,
    s.lossPct !== undefined ? `loss ${s.lossPct}%` : undefined,
    s.jitterMs !== undefined && s.transport === 'udp' ? `jitter ${s.jitterMs} ms` : undefined,
    s.transport !== undefined ? `RTP over ${s.transport.toUpperCase()}` : undefined,
    s.keyframeIntervalS !== undefined ? `keyframe every ${s.keyframeIntervalS} s` : undefined,
  ];
  return parts.filter((p) => p !== undefined).join(', ');
}

/** 3725000 → "1h 2m 5s": technicians read durations, not milliseconds. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
