import type { MetricsPayload } from './payloads.js';

const HOUR_MS = 3_600_000;

export interface Spread {
  readonly min: number;
  readonly avg: number;
  readonly max: number;
}

/** One camera over one hour (or the part of it the gateway was offline). */
export interface CameraHour {
  readonly cameraId: string;
  readonly samples: number;
  readonly fps: Spread | null;
  readonly bitrateKbps: Spread | null;
  readonly lossPct: Spread | null;
}

/** The `metrics.hourly` event body (without `ts`). */
export interface HourlyMetrics {
  readonly hour: string;
  /** First and last sample folded in: the offline part of the hour. */
  readonly from: string;
  readonly to: string;
  readonly cameras: readonly CameraHour[];
}

interface Acc {
  n: number;
  min: number;
  max: number;
  sum: number;
}

type Figures = 'fps' | 'bitrateKbps' | 'lossPct';
const FIGURES: readonly Figures[] = ['fps', 'bitrateKbps', 'lossPct'];

interface Bucket {
  readonly hourStart: number;
  firstAt: number;
  lastAt: number;
  readonly cameras: Map<string, { samples: number; figures: Partial<Record<Figures, Acc>> }>;
}

/**
 * Metrics are QoS 0 and live only: while the uplink is down they were dropped, and the centre's
 * stream-quality history had a hole exactly where it mattered. Offline samples are folded into
 * hourly per-camera min/avg/max (pure: the caller feeds samples and takes closed hours).
 */
export class MetricsAggregate {
  private readonly buckets = new Map<number, Bucket>();

  add(cameras: MetricsPayload['cameras'], atMs: number): void {
    const hourStart = Math.floor(atMs / HOUR_MS) * HOUR_MS;
    let bucket = this.buckets.get(hourStart);
    if (!bucket) {
      bucket = { hourStart, firstAt: atMs, lastAt: atMs, cameras: new Map() };
      this.buckets.set(hourStart, bucket);
    }
    bucket.firstAt = Math.min(bucket.firstAt, atMs);
    bucket.lastAt = Math.max(bucket.lastAt, atMs);
    for (const c of cameras) {
      const cam = bucket.cameras.get(c.cameraId) ?? { samples: 0, figures: {} };
      cam.samples += 1;
      for (const f of FIGURES) {
        const v = c[f];
        if (v === null || !Number.isFinite(v)) continue;
        const acc = cam.figures[f] ?? { n: 0, min: v, max: v, sum: 0 };
        acc.n += 1;
        acc.min = Math.min(acc.min, v);
        acc.max = Math.max(acc.max, v);
        acc.sum += v;
        cam.figures[f] = acc;
      }
      bucket.cameras.set(c.cameraId, cam);
    }
  }

  /** Hours that ended before `nowMs` (all of them with `all`), oldest first, removed from the aggregate. */
  take(nowMs: number, all = false): HourlyMetrics[] {
    const current = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
    const done = [...this.buckets.values()]
      .filter((b) => all || b.hourStart < current)
      .sort((a, b) => a.hourStart - b.hourStart);
    for (const b of done) this.buckets.delete(b.hourStart);
    return done.map(summarise);
  }
}

function summarise(b: Bucket): HourlyMetrics {
  return {
    hour: new Date(b.hourStart).toISOString(),
    from: new Date(b.firstAt).toISOString(),
    to: new Date(b.lastAt).toISOString(),
    cameras: [...b.cameras].map(([cameraId, c]) => ({
      cameraId,
      samples: c.samples,
      fps: spread(c.figures.fps),
      bitrateKbps: spread(c.figures.bitrateKbps),
      lossPct: spread(c.figures.lossPct),
    })),
  };
}

function spread(acc: Acc | undefined): Spread | null {
  if (!acc || acc.n === 0) return null;
  const round = (v: number): number => Math.round(v * 100) / 100;
  return { min: round(acc.min), avg: round(acc.sum / acc.n), max: round(acc.max) };
}
