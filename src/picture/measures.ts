import { CamgateError } from '../shared/errors.js';

/**
 * The thumbnail every picture check works on: 128×72 yuv420p, made by ffmpeg (`scale` with area
 * averaging, which also averages away most sensor noise). 16:9 for every camera: a square
 * panoramic picture is squashed, but it is compared only with its own reference.
 */
export const THUMB_WIDTH = 128;
export const THUMB_HEIGHT = 72;
/** Y plane plus the two quarter-size chroma planes. */
export const THUMB_BYTES = THUMB_WIDTH * THUMB_HEIGHT * 1.5;
/** The coarse grid scenes are compared on: 16×9 blocks of 8×8 pixels. */
export const GRID_COLS = 16;
export const GRID_ROWS = 9;

export interface Thumbnail {
  readonly width: number;
  readonly height: number;
  readonly y: Uint8Array;
  readonly u: Uint8Array;
  readonly v: Uint8Array;
}

/** What the checks read off one thumbnail; plain numbers so `why` and the store can keep them. */
export interface PictureMeasures {
  /** Mean luma, 0–255. */
  readonly meanLuma: number;
  /** Standard deviation of luma: near 0 for a lens covered by one flat colour. */
  readonly contrast: number;
  /**
   * RMS of the Laplacian of the half-size (64×36) luma over (contrast + 1): edge energy,
   * independent of gain and offset. At half size night sensor noise (added after the optics, so
   * not blurred with the scene) no longer hides a blurred scene's lost edges.
   */
  readonly sharpness: number;
  /** Mean |U−128| + |V−128|: near 0 for an IR (monochrome) night picture. */
  readonly chroma: number;
  /** Block means (GRID_COLS × GRID_ROWS, row-major), compared by normalised correlation. */
  readonly grid: readonly number[];
}

/** The raw yuv420p bytes ffmpeg wrote; anything but exactly one thumbnail is refused. */
export function thumbnailOf(raw: Uint8Array): Thumbnail {
  if (raw.length !== THUMB_BYTES)
    throw new CamgateError('FFMPEG', `thumbnail has ${raw.length} bytes, expected ${THUMB_BYTES}`);
  const ySize = THUMB_WIDTH * THUMB_HEIGHT;
  const cSize = ySize / 4;
  return {
    width: THUMB_WIDTH,
    height: THUMB_HEIGHT,
    y: raw.subarray(0, ySize),
    u: raw.subarray(ySize, ySize + cSize),
    v: raw.subarray(ySize + cSize, ySize + 2 * cSize),
  };
}

export function measure(t: Thumbnail): PictureMeasures {
  const { y, width: w, height: h } = t;
  let sum = 0;
  let sumSq = 0;
  for (const p of y) {
    sum += p;
    sumSq += p * p;
  }
  const n = y.length;
  const meanLuma = sum / n;
  const contrast = Math.sqrt(Math.max(0, sumSq / n - meanLuma * meanLuma));
  const sharpness = laplacianRms(halfSize(y, w, h), w / 2, h / 2) / (contrast + 1);
  let chromaSum = 0;
  for (let i = 0; i < t.u.length; i++) chromaSum += Math.abs(at(t.u, i) - 128) + Math.abs(at(t.v, i) - 128);
  return { meanLuma, contrast, sharpness, chroma: chromaSum / t.u.length, grid: blockGrid(t) };
}

function halfSize(y: Uint8Array, w: number, h: number): Float64Array {
  const hw = w / 2;
  const out = new Float64Array(hw * (h / 2));
  for (let r = 0; r < h / 2; r++) {
    for (let c = 0; c < hw; c++) {
      const i = 2 * r * w + 2 * c;
      out[r * hw + c] = (at(y, i) + at(y, i + 1) + at(y, i + w) + at(y, i + w + 1)) / 4;
    }
  }
  return out;
}

function laplacianRms(p: Float64Array, w: number, h: number): number {
  let sum = 0;
  for (let r = 1; r < h - 1; r++) {
    for (let c = 1; c < w - 1; c++) {
      const i = r * w + c;
      const lap = 4 * at(p, i) - at(p, i - 1) - at(p, i + 1) - at(p, i - w) - at(p, i + w);
      sum += lap * lap;
    }
  }
  return Math.sqrt(sum / ((w - 2) * (h - 2)));
}

function blockGrid(t: Thumbnail): number[] {
  const bw = t.width / GRID_COLS;
  const bh = t.height / GRID_ROWS;
  const grid: number[] = [];
  for (let gr = 0; gr < GRID_ROWS; gr++) {
    for (let gc = 0; gc < GRID_COLS; gc++) {
      let s = 0;
      for (let r = gr * bh; r < (gr + 1) * bh; r++)
        for (let c = gc * bw; c < (gc + 1) * bw; c++) s += at(t.y, r * t.width + c);
      grid.push(s / (bw * bh));
    }
  }
  return grid;
}

/**
 * How well a sample's view matches the reference's: the normalised cross-correlation of the two
 * grids' block-to-block differences, −1…1. The same scene under other lighting (gain and offset)
 * stays near 1; a shifted or turned view drops towards 0. Differences rather than the block
 * means themselves, because a scene with a smooth brightness slope (sky to ground) still
 * correlates with itself shifted by a third of the frame. Undefined when either grid is flat (a
 * covered or black picture has no structure to compare).
 */
export function viewCorrelation(a: readonly number[], b: readonly number[]): number | undefined {
  return correlation(gridDifferences(a), gridDifferences(b));
}

function gridDifferences(g: readonly number[]): number[] {
  const d: number[] = [];
  for (let r = 0; r < GRID_ROWS; r++)
    for (let c = 0; c + 1 < GRID_COLS; c++)
      d.push((g[r * GRID_COLS + c + 1] ?? 0) - (g[r * GRID_COLS + c] ?? 0));
  for (let r = 0; r + 1 < GRID_ROWS; r++)
    for (let c = 0; c < GRID_COLS; c++)
      d.push((g[(r + 1) * GRID_COLS + c] ?? 0) - (g[r * GRID_COLS + c] ?? 0));
  return d;
}

/** Normalised cross-correlation, −1…1; undefined when either side is flat. */
export function correlation(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length !== b.length || a.length === 0) return undefined;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = (a[i] ?? 0) - ma;
    const db = (b[i] ?? 0) - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  // Below one grey level of spread per block there is nothing to correlate.
  if (aa < a.length || bb < b.length) return undefined;
  return ab / Math.sqrt(aa * bb);
}

/** Mean absolute luma difference between two samples: 0 for a frozen encoder's repeated picture. */
export function lumaDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) return Number.POSITIVE_INFINITY;
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(at(a, i) - at(b, i));
  return d / a.length;
}

/**
 * Share (0–1) of the grid's blocks whose mean absolute luma difference to the previous sample is at
 * most `maxDifference`. A frozen picture keeps nearly every block (the burnt-in clock of the
 * camera's OSD still ticks in one corner); live sensor noise moves every block a little.
 */
export function unchangedShare(a: Uint8Array, b: Uint8Array, maxDifference: number): number {
  if (a.length !== b.length || a.length !== THUMB_WIDTH * THUMB_HEIGHT) return 0;
  const bw = THUMB_WIDTH / GRID_COLS;
  const bh = THUMB_HEIGHT / GRID_ROWS;
  let unchanged = 0;
  for (let gr = 0; gr < GRID_ROWS; gr++) {
    for (let gc = 0; gc < GRID_COLS; gc++) {
      let d = 0;
      for (let r = gr * bh; r < (gr + 1) * bh; r++)
        for (let c = gc * bw; c < (gc + 1) * bw; c++) {
          const i = r * THUMB_WIDTH + c;
          d += Math.abs(at(a, i) - at(b, i));
        }
      if (d / (bw * bh) <= maxDifference) unchanged += 1;
    }
  }
  return unchanged / (GRID_COLS * GRID_ROWS);
}

function at(a: ArrayLike<number>, i: number): number {
  return a[i] ?? 0;
}

function mean(a: readonly number[]): number {
  let s = 0;
  for (const x of a) s += x;
  return s / a.length;
}
