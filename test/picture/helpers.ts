import { CameraStates } from '../../src/app/cameraStates.js';
import { StatusBoard } from '../../src/app/statusBoard.js';
import {
  THUMB_BYTES,
  THUMB_HEIGHT,
  THUMB_WIDTH,
  type Thumbnail,
  thumbnailOf,
} from '../../src/picture/measures.js';
import type { PictureStore } from '../../src/picture/pictureService.js';
import type { Clock } from '../../src/shared/clock.js';
import { EventBus } from '../../src/shared/events.js';
import type { CameraRecord } from '../../src/shared/types.js';

/** A picture store that keeps nothing: no references, no verdicts from an earlier run. */
export const emptyStore: PictureStore = {
  references: () => ({}),
  saveReference: () => undefined,
  clearReferences: () => 0,
  degraded: () => undefined,
  ok: () => undefined,
};

/** A static camera with a snapshot URI: each picture check grabs it twice, `pairGapMs` apart. */
export function snapshotCamera(id: string, address = '10.0.0.1'): CameraRecord {
  return {
    id,
    address,
    snapshotUri: `http://${address}/snapshot.jpg`,
    source: 'static',
    class: 'overview',
    ptz: false,
    classConfidence: 1,
    classEvidence: [],
    profiles: [],
    firstSeenAt: '2026-12-05T00:00:00.000Z',
    lastSeenAt: '2026-12-05T00:00:00.000Z',
  };
}

/** Luma from `f`, seeded noise (each grab differs: a live picture, not a frozen one). */
export function noisyThumb(f: (x: number, y: number) => number, seed: number): Thumbnail {
  const raw = new Uint8Array(THUMB_BYTES);
  let s = seed * 2654435761;
  for (let y = 0; y < THUMB_HEIGHT; y++)
    for (let x = 0; x < THUMB_WIDTH; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      raw[y * THUMB_WIDTH + x] = Math.max(0, Math.min(255, Math.round(f(x, y) + (s / 2 ** 32 - 0.5) * 6)));
    }
  raw.fill(168, THUMB_WIDTH * THUMB_HEIGHT);
  return thumbnailOf(raw);
}

/** A striped daylight scene, and a black one. */
export const scene = (x: number, y: number): number => 50 + (Math.floor(x / 16) % 2 === 0 ? 60 : 0) + y;
export const dark = (): number => 6;

/**
 * The board, bus and CameraStates of a daemon with one camera on the board (status `unknown`,
 * recording off) and its uplink connected: what the picture verdict folds into.
 */
export function statesWithCamera(clock: Clock, cameraId: string, address: string) {
  const bus = new EventBus();
  const board = new StatusBoard();
  const states = new CameraStates({ board, bus, clock });
  board.upsertCamera({
    cameraId,
    address,
    class: 'overview',
    source: 'static',
    status: 'unknown',
    since: '2026-12-05T09:00:00.000Z',
    reasons: [],
    stream: {},
    recording: { status: 'off' },
    integrated: false,
  });
  states.uplink({ connected: true, at: clock.now() });
  return { bus, board, states };
}
