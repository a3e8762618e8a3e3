import { integrationOf } from '../health/integration.js';
import { recordingOutageEdge } from '../health/outage.js';
import type { Clock } from '../shared/clock.js';
import type { CamgateEvents, EventBus } from '../shared/events.js';
import type { CameraStatusRow, CentreState, PictureView, RecordingStatus } from '../shared/types.js';
import type { StatusBoard } from './statusBoard.js';

/** The part of a row the stream's health machine decides. */
export type StreamPatch = Partial<Pick<CameraStatusRow, 'status' | 'since' | 'reasons' | 'stream'>>;

/**
 * The one place a camera's state is decided and written to the board: the stream's status from
 * the health machine, the recording's status from `recording.status`, and the uplink's link from
 * `uplink.state` go in; `integrated` and `cause` (health/integration.ts) come out. Everything the
 * centre sees of a camera changes here, and each change is announced as `camera.state` (the
 * uplink republishes that camera) after the board holds it.
 *
 * A change of the link itself is not announced per camera: the uplink republishes every camera
 * after its own link changes, birth first.
 */
export class CameraStates {
  private link: { uplinkUp: boolean; centre: CentreState | undefined } = {
    uplinkUp: false,
    centre: undefined,
  };
  /** The last recording status heard per camera, kept even while the camera is off the board. */
  private readonly recording = new Map<string, RecordingStatus>();
  /** The health machine's own view per camera, before the picture verdict is folded in. */
  private readonly streams = new Map<string, StreamPatch>();
  /** The picture checks' verdict per camera (issue #17). */
  private readonly pictures = new Map<string, PictureView>();

  constructor(private readonly deps: { board: StatusBoard; bus: EventBus; clock: Clock }) {}

  /**
   * The health machine's view changed. Its transitions go out once the board holds the new status
   * and integration (a listener reads them there); the centre hears of a transition or a new verdict.
   */
  stream(
    cameraId: string,
    patch: StreamPatch,
    transitions: readonly CamgateEvents['health.transition'][],
  ): void {
    this.streams.set(cameraId, { ...this.streams.get(cameraId), ...patch });
    this.deps.board.patchCamera(cameraId, this.composed(cameraId) ?? patch);
    const changed = this.settle(cameraId);
    for (const t of transitions) this.deps.bus.emit('health.transition', t);
    if (transitions.length > 0 || changed) this.announce(cameraId);
  }

  /** Recording health flows through here: onto the board, into integration, then to the uplink. */
  recordingStatus(e: CamgateEvents['recording.status']): void {
    const from = this.recording.get(e.cameraId);
    this.recording.set(e.cameraId, e.status);
    this.deps.board.patchCamera(e.cameraId, {
      recording: { status: e.status, lastSegmentAt: e.lastSegmentAt },
    });
    this.settle(e.cameraId);
    this.deps.bus.emit('health.recording', {
      cameraId: e.cameraId,
      from,
      to: e.status,
      outage: recordingOutageEdge(from, e.status),
      lastSegmentAt: e.lastSegmentAt,
      detail: e.detail,
      at: e.at,
    });
    this.announce(e.cameraId);
  }

  /**
   * The picture checks judged a camera. Raised reasons make a camera whose stream is online
   * `degraded` with those reasons (and not integrated, health/integration.ts); the centre hears
   * of raises and clears as `health.picture`, and of every verdict in the retained state.
   */
  picture(cameraId: string, view: PictureView, at: number): void {
    const before = this.pictures.get(cameraId);
    this.pictures.set(cameraId, view);
    this.deps.board.patchCamera(cameraId, { ...this.composed(cameraId), picture: view });
    this.settle(cameraId);
    const was = before?.reasons ?? [];
    if (was.length !== view.reasons.length || was.some((r, i) => r !== view.reasons[i]))
      this.deps.bus.emit('health.picture', { cameraId, from: was, to: view.reasons, at });
    this.announce(cameraId);
  }

  /** The camera left the directory: its picture verdict goes with it. */
  forget(cameraId: string): void {
    this.pictures.delete(cameraId);
    this.streams.delete(cameraId);
  }

  /** The uplink's link or the centre's handshake changed: every camera's integration may have. */
  uplink(e: CamgateEvents['uplink.state']): void {
    this.link = { uplinkUp: e.connected, centre: e.centre };
    this.settleAll();
  }

  /** A camera joined or changed in the inventory (identity, class): its row is new to the centre. */
  inventory(cameraId: string): void {
    this.settle(cameraId);
    this.announce(cameraId);
  }

  /** Every row on the board (at start, and rows that appeared without an event). */
  settleAll(): void {
    for (const row of this.deps.board.allCameras()) this.settle(row.cameraId);
  }

  /** Recomputes integration of one row; true when it changed (then `integration.changed` is out). */
  private settle(cameraId: string): boolean {
    const { board, bus, clock } = this.deps;
    const row = board.camera(cameraId);
    if (!row) return false;
    const next = integrationOf({
      status: row.status,
      reasons: row.reasons,
      recording: row.recording.status,
      uplinkUp: this.link.uplinkUp,
      centre: this.link.centre,
    });
    if (next.integrated === row.integrated && next.cause === row.cause) return false;
    board.patchCamera(cameraId, { integrated: next.integrated, cause: next.cause });
    bus.emit('integration.changed', { cameraId, ...next, at: clock.now() });
    return true;
  }

  /**
   * The stream's view with the picture's folded in: a raised picture reason turns an online
   * stream `degraded` (since the picture went bad) and is appended to the stream's reasons. A
   * camera whose stream is down keeps the stream's view: its picture was not judged.
   */
  private composed(cameraId: string): StreamPatch | undefined {
    const stream = this.streams.get(cameraId);
    if (!stream) return undefined;
    const picture = this.pictures.get(cameraId);
    const up = stream.status === 'online' || stream.status === 'degraded';
    if (!picture || picture.reasons.length === 0 || !up) return stream;
    return {
      ...stream,
      status: 'degraded',
      reasons: [...(stream.reasons ?? []), ...picture.reasons],
      since: stream.status === 'online' ? (picture.since ?? stream.since) : stream.since,
    };
  }

  private announce(cameraId: string): void {
    this.deps.bus.emit('camera.state', { cameraId, at: this.deps.clock.now() });
  }
}
