import type { Service } from '../shared/service.js';
import type { KeyframeGrab, KeyframeRequest } from '../streams/rtsp/keyframeCapture.js';
import type { CameraDirectory } from './cameraDirectory.js';
import type { AppContext } from './context.js';
import type { StatusBoard } from './statusBoard.js';
import { wireDiscovery } from './wireDiscovery.js';
import { wireHealth } from './wireHealth.js';
import { wireLpr } from './wireLpr.js';
import { wirePicture } from './wirePicture.js';
import { wireRecording } from './wireRecording.js';
import { wireSnapshot } from './wireSnapshot.js';
import { wireStreams } from './wireStreams.js';
import { wireUplink } from './wireUplink.js';

export interface WiringContext extends AppContext {
  readonly board: StatusBoard;
  /** Set by the streams wiring, used by picture checks: keyframes from the daemon's own sessions. */
  readonly keyframes?: StreamKeyframes;
  /** The site's cameras (static config, persisted inventory, discovery): read them here, keep no copy. */
  readonly cameras: CameraDirectory;
}

/** A holder the streams wiring fills in (it owns the StreamMonitor) and the picture wiring reads. */
export interface StreamKeyframes {
  capture?: (cameraId: string, request: KeyframeRequest) => KeyframeGrab | undefined;
}

/**
 * Each module contributes its services here, in start order (inventory before streams before
 * health before uplink). `app/` is the only place that connects one module's events to another.
 * A wiring whose code only some configurations need imports it when it runs and returns a promise
 * (recording: #14, the idle daemon carried the recorder and fluent-ffmpeg with recording off).
 */
export type Wiring = (ctx: WiringContext) => Service[] | Promise<Service[]>;

export const wirings: readonly Wiring[] = [
  wireDiscovery,
  wireStreams,
  wireSnapshot,
  wireRecording,
  wireHealth,
  wirePicture,
  wireLpr,
  wireUplink,
];
