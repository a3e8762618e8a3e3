import { EventEmitter } from 'node:events';
import type { UplinkOutageCause } from './causes.js';
import type {
  CameraRecord,
  CameraStatus,
  CentreState,
  IntegrationCause,
  LprStatus,
  OutageEdge,
  PictureReason,
  PictureView,
  RecordingStatus,
  StorageAlarmCode,
  StreamStats,
} from './types.js';

/**
 * Typed events between modules; `app/` subscribes one module's output to another's input.
 * Add an entry here when a module gains an output; payloads are plain readonly data.
 */
export interface CamgateEvents {
  'inventory.changed': {
    readonly type: 'camera.added' | 'camera.replaced' | 'camera.removed' | 'camera.updated';
    readonly camera: CameraRecord;
    readonly previous?: CameraRecord;
    readonly at: number;
  };
  /**
   * The inventory cap (`discovery.maxCameras`): emitted after the first sweep or Hello of this
   * process (the state as found), when it is reached or cleared (`edge`, once per crossing in this
   * process) and when more new devices were left out while it holds.
   */
  'discovery.cap': {
    readonly maxCameras: number;
    readonly reached: boolean;
    /** Active cameras in the inventory. */
    readonly cameras: number;
    /** Distinct new devices left out since the cap was reached (on `cleared`: in that episode). */
    readonly ignored: number;
    readonly edge?: 'reached' | 'cleared';
    readonly at: number;
  };
  'camera.clockDrift': { readonly cameraId: string; readonly offsetMs: number; readonly at: number };
  'stream.sample': {
    readonly cameraId: string;
    /** `paused`: a sampled-mode session ended as planned; the next sample comes after the interval. */
    readonly kind:
      | 'connected'
      | 'packets'
      | 'stall'
      | 'closed'
      | 'unauthorized'
      | 'refused'
      | 'unreachable'
      | 'paused';
    readonly stats?: StreamStats;
    readonly detail?: string;
    readonly at: number;
  };
  'health.transition': {
    readonly cameraId: string;
    readonly from: CameraStatus;
    readonly to: CameraStatus;
    readonly reasons: readonly string[];
    /** Decided once, in health/outage.ts; the history and the uplink only consume it. */
    readonly outage: OutageEdge | undefined;
    readonly at: number;
  };
  /** Recording health as it reached health/: every `recording.status`, with the status before it. */
  'health.recording': {
    readonly cameraId: string;
    readonly from: RecordingStatus | undefined;
    readonly to: RecordingStatus;
    /** stale starts a recording outage, ok ends it (health/outage.ts). */
    readonly outage: OutageEdge | undefined;
    readonly lastSegmentAt?: string;
    readonly detail?: string;
    readonly at: number;
  };
  /** A camera's picture was judged (picture/pictureService.ts), raised reasons after hysteresis. */
  'picture.verdict': {
    readonly cameraId: string;
    readonly view: PictureView;
    readonly at: number;
    /** Carried over from before a restart (the store's open degraded period): no news to the centre. */
    readonly resumed?: boolean;
  };
  /** Raised picture reasons changed, as CameraStates folded them in: `picture.degraded` / `picture.ok`. */
  'health.picture': {
    readonly cameraId: string;
    readonly from: readonly PictureReason[];
    readonly to: readonly PictureReason[];
    readonly at: number;
  };
  /** What the centre sees of one camera changed (status, recording, integration, identity). */
  'camera.state': { readonly cameraId: string; readonly at: number };
  'recording.status': {
    readonly cameraId: string;
    readonly status: RecordingStatus;
    readonly lastSegmentAt?: string;
    readonly detail?: string;
    readonly at: number;
  };
  /** A storage alarm was raised (`raised: true`) or cleared; `since` is when it was raised. */
  'recording.alarm': {
    readonly code: StorageAlarmCode;
    readonly cameraId?: string;
    readonly message: string;
    readonly raised: boolean;
    readonly since: number;
    readonly at: number;
  };
  /** The wall clock stepped (NTP, RTC reset) by `jumpMs` (positive: forward); `at` is after the step. */
  'health.clockJump': { readonly jumpMs: number; readonly at: number };
  /** The uplink connected or dropped, or the centre's handshake state changed. */
  /** `camgate reload` / SIGHUP: credentials (passwordFile) may have changed; re-read them where cached. */
  'credentials.reload': { readonly at: number };
  'uplink.state': {
    readonly connected: boolean;
    /** Undefined when no centre handshake is configured. */
    readonly centre?: CentreState;
    readonly at: number;
    readonly detail?: string;
    /** Why the link is down, while not connected (shared/causes.ts, uplink outage causes). */
    readonly cause?: UplinkOutageCause;
  };
  /** An LPR camera's read-rate verdict, topic or last period's count changed (lpr/lprService.ts). */
  'lpr.status': {
    readonly cameraId: string;
    readonly status: LprStatus;
    readonly readsLastHour: number;
    readonly topic: string | null;
    /** Reading-slot periods without a read since the last read. */
    readonly silentPeriods: number;
    readonly lastReadAt?: string;
    /** While `no_reads`: wall ms it began, from the stored periods (survives a daemon restart). */
    readonly since?: number;
    readonly detail?: string;
    readonly at: number;
  };
  /** An LPR verdict as it reached CameraStates, with the status before it (the uplink's lpr.* events). */
  'health.lpr': {
    readonly cameraId: string;
    readonly from: LprStatus | undefined;
    readonly to: LprStatus;
    readonly readsLastHour: number;
    readonly topic: string | null;
    readonly silentPeriods: number;
    readonly lastReadAt?: string;
    readonly at: number;
  };
  'integration.changed': {
    readonly cameraId: string;
    readonly integrated: boolean;
    readonly cause?: IntegrationCause;
    readonly at: number;
  };
}

export type EventName = keyof CamgateEvents;

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit<K extends EventName>(name: K, payload: CamgateEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends EventName>(name: K, listener: (payload: CamgateEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
