import path from 'node:path';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/log.js';
import type { SegmentFacts } from '../streams/ffmpeg/recorderProbe.js';
import { externalFiles } from './externalFiles.js';
import type { RecorderState, RecorderSupervisor } from './recorderSupervisor.js';
import type { RecordingEvidence, RecordingSourceKind } from './recordingRule.js';
import { type Segment, SegmentIndex } from './segmentIndex.js';

/**
 * The camera's own storage (ONVIF Profile G): newest write it reports, on our clock. Rejects
 * when the camera cannot be asked; the message becomes the 'unknown' status detail.
 */
export interface EdgeProbe {
  latestWrite(signal: AbortSignal): Promise<number | undefined>;
}

export interface CameraPlan {
  readonly cameraId: string;
  readonly source: RecordingSourceKind | 'none';
  /** own: RTSP URL with credentials, resolved per start. */
  readonly url?: () => string;
  /** own: RTP transport per start (configured, else learnt by the stream monitor; undefined: unknown yet). */
  readonly transport?: () => 'tcp' | 'udp' | undefined;
  /** external: directory glob. */
  readonly pattern?: string;
  readonly edge?: EdgeProbe;
  /** Identity of what is recorded (source + URL or pattern, no secrets): same key, no restart. */
  readonly key?: string;
}

export interface SanityStats {
  checked: number;
  probed: number;
  bad: number;
  lastProblem?: string;
}

export interface CameraWatchDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly probe?: (file: string) => Promise<SegmentFacts>;
  /** Built by the service for own-recorder cameras. */
  readonly supervisor?: RecorderSupervisor;
}

export interface CameraWatchOptions {
  readonly dir: string;
  readonly segmentSeconds: number;
  /** Probe every Nth closed segment (the first always). */
  readonly sanityEvery: number;
  readonly pollMs: number;
}

/** A camera's SOAP fault text can run to the response cap (1 MB); the status detail keeps this much. */
const DETAIL_MAX_CHARS = 200;

/**
 * Gathers the evidence for one camera's recording from whichever source it has: our recorder's
 * progress and segment directory, an external recorder's files, or the camera's edge storage.
 */
export class CameraWatch {
  readonly index: SegmentIndex | undefined;
  readonly watchingSince: number;
  readonly sanity: SanityStats = { checked: 0, probed: 0, bad: 0 };
  private lastWriteAt: number | undefined;
  private external: readonly Segment[] = [];
  private lastPoll = Number.NEGATIVE_INFINITY;
  private closedSeen = 0;
  private pollError: string | undefined;
  private unverifiable: string | undefined;
  private edgePoll: Promise<void> | undefined;
  /** The edge's last answer as reported (converted, uncapped): a repeat means nothing new was written. */
  private edgeReported: number | undefined;

  constructor(
    readonly plan: CameraPlan,
    private readonly o: CameraWatchOptions,
    private readonly deps: CameraWatchDeps,
  ) {
    this.watchingSince = deps.clock.now();
    this.index = plan.source === 'own' ? new SegmentIndex(path.join(o.dir, plan.cameraId)) : undefined;
  }

  get supervisor(): RecorderSupervisor | undefined {
    return this.deps.supervisor;
  }

  recorder(): RecorderState | undefined {
    return this.deps.supervisor?.state();
  }

  lastSegmentAt(): number | undefined {
    return this.lastWriteAt;
  }

  /** Files held for this camera (ours or the external recorder's), oldest first. */
  heldSegments(): readonly Segment[] {
    return this.index ? this.index.segments() : this.external;
  }

  async observe(signal: AbortSignal): Promise<RecordingEvidence> {
    const now = this.deps.clock.now();
    if (this.plan.source === 'own') await this.observeOwn();
    else if (this.plan.source === 'edge') this.pollEdgeIfDue(signal);
    else if (now - this.lastPoll >= this.o.pollMs) {
      this.lastPoll = now;
      await this.pollExternal();
    }
    const rec = this.recorder();
    const failure = rec?.crashLoop ? crashLoopDetail(rec) : this.pollError;
    return {
      source: this.plan.source,
      watchingSince: this.watchingSince,
      lastWriteAt: this.lastWriteAt,
      lastProgressAt: rec?.lastProgressAt,
      recorderRunning: rec?.running,
      failure,
      unverifiable: this.unverifiable,
    };
  }

  /**
   * Edge only: starts a poll of the camera's storage when one is due and returns it (it never
   * rejects); undefined when none was started. observe() does not wait for it: the service starts
   * every due edge poll at once and waits for them together, so a hanging camera delays no other.
   */
  pollEdgeIfDue(signal: AbortSignal): Promise<void> | undefined {
    const now = this.deps.clock.now();
    if (this.plan.source !== 'edge' || this.edgePoll || now - this.lastPoll < this.o.pollMs) return undefined;
    this.lastPoll = now;
    const poll = this.pollEdge(signal).finally(() => {
      this.edgePoll = undefined;
    });
    this.edgePoll = poll;
    return poll;
  }

  private async pollEdge(signal: AbortSignal): Promise<void> {
    const edge = this.plan.edge;
    if (!edge) {
      this.unverifiable = 'edge storage cannot be asked: camera has no ONVIF device service';
      return;
    }
    try {
      const at = await edge.latestWrite(signal);
      // A camera clock ahead of ours (offset unknown or stale) reports writes in our future; kept
      // as they came, they would read 'ok' until we caught up. So: a write is no later than when we
      // saw it, an unchanged answer is no new write, and a changed one replaces (a re-formatted
      // card or a corrected clock goes back).
      if (at !== undefined && at !== this.edgeReported) {
        this.edgeReported = at;
        this.lastWriteAt = Math.min(at, this.deps.clock.now());
      }
      this.unverifiable = undefined;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.unverifiable = `edge storage not readable: ${truncate(why, DETAIL_MAX_CHARS)}`;
      this.deps.log.warn({ err }, 'edge recording poll failed');
    }
  }

  private async observeOwn(): Promise<void> {
    const index = this.index;
    if (!index) return;
    const before = index.newest()?.name;
    const added = new Set((await index.scan()).map((s) => s.name));
    const newest = index.newest();
    if (newest && (this.lastWriteAt === undefined || newest.startMs > this.lastWriteAt)) {
      this.lastWriteAt = newest.startMs;
    }
    // Every segment that was newest before this scan and is not any more has been closed.
    const closed = index
      .segments()
      .filter((s) => s.name !== newest?.name && (s.name === before || added.has(s.name)));
    for (const seg of closed) await this.checkClosed(seg);
  }

  private async pollExternal(): Promise<void> {
    try {
      if (this.plan.source === 'external' && this.plan.pattern) {
        this.external = await externalFiles(this.plan.pattern);
        const newest = this.external[this.external.length - 1];
        if (newest) this.lastWriteAt = Math.max(this.lastWriteAt ?? 0, newest.mtimeMs);
      }
      this.pollError = undefined;
    } catch (err) {
      this.pollError = `${this.plan.source} source unreadable: ${err instanceof Error ? err.message : String(err)}`;
      this.deps.log.warn({ err }, 'recording source poll failed');
    }
  }

  /** Non-empty, and on a sample, a plausible duration: a recorder can run and still write junk. */
  private async checkClosed(seg: Segment): Promise<void> {
    this.sanity.checked += 1;
    if (seg.size === 0) {
      this.flag(seg, 'empty segment');
      return;
    }
    const probe = this.deps.probe;
    this.closedSeen += 1;
    if (!probe || (this.closedSeen - 1) % this.o.sanityEvery !== 0) return;
    try {
      const facts = await probe(seg.path);
      this.sanity.probed += 1;
      const d = facts.durationSeconds;
      // Segments cut on keyframes only: with a long GOP they run long; twice the target is broken.
      if (d === undefined || d <= 0) this.flag(seg, 'no readable duration');
      else if (d > this.o.segmentSeconds * 2 + 2) this.flag(seg, `duration ${d.toFixed(1)} s`);
    } catch (err) {
      this.flag(seg, 'ffprobe failed');
      this.deps.log.warn({ err, segment: seg.name }, 'segment probe failed');
    }
  }

  private flag(seg: Segment, problem: string): void {
    this.sanity.bad += 1;
    this.sanity.lastProblem = `${seg.name}: ${problem}`;
    this.deps.log.warn({ segment: seg.name, problem }, 'recorded segment failed its sanity check');
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function crashLoopDetail(rec: RecorderState): string {
  const last = rec.lastExit?.tail[rec.lastExit.tail.length - 1] ?? rec.lastExit?.message ?? 'no output';
  return `recorder crash loop: ${last}`;
}
