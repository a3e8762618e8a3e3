import { PICTURE_REASONS, type PictureView } from '../shared/types.js';
import type { StreamState } from './lprFold.js';

const PICTURE_REASON_SET: ReadonlySet<string> = new Set(PICTURE_REASONS);

/**
 * Pure: the camera's state with the picture verdict laid over it (issue #17). Raised picture
 * reasons turn a camera whose stream is up `degraded` with those reasons appended, since the
 * picture went bad (when the stream alone said online); integration then gives `picture_degraded`.
 * A camera whose stream is down keeps the stream's view: its picture was not judged.
 */
export function foldPicture(state: StreamState, picture: PictureView | undefined): StreamState {
  const reasons = state.reasons.filter((r) => !PICTURE_REASON_SET.has(r));
  const up = state.status === 'online' || state.status === 'degraded';
  if (!picture || picture.reasons.length === 0 || !up) return { ...state, reasons };
  return {
    status: 'degraded',
    reasons: [...reasons, ...picture.reasons],
    since: state.status === 'online' ? (picture.since ?? state.since) : state.since,
  };
}
