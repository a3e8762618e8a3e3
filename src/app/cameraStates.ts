import { integrationOf } from '../health/integration.js';
import { foldLpr, type StreamState } from '../health/lprFold.js';
import { recordingOutageEdge } from '../health/outage.js';
import { foldPicture } from '../health/pictureFold.js';
import type { Clock } from '../shared/clock.js';
import { isoTs } from '../shared/clock.js';
import type { CamgateEvents, EventBus } from '../shared/events.js';
import type { CameraStatusRow, CentreState, LprView, PictureView, RecordingStatus } from '../shared/types.js';
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
  /** The stream's own status and reasons per camera, before the LPR verdict is laid over them. */
  private readonly streamView = new Map<string, StreamState>();
  /** The last LPR verdict per camera (lpr/lprService.ts). */
  private readonly lprView = new Map<string, LprView>();
  /** When the LPR verdict last changed a camera's status (its `since` while it does). */
  private readonly lprSince = new Map<string, string>();
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
    const row = this.deps.board.camera(cameraId);
    const prev = this.streamView.get(cameraId);
    const status = patch.status ?? prev?.status ?? row?.status;
    if (status !== undefined) {
      this.streamView.set(cameraId, {
        status,
        reasons: patch.reasons ?? prev?.reasons ?? row?.reasons ?? [],
        since: patch.since ?? prev?.since ?? row?.since ?? isoTs(this.deps.clock.now()),
      });
    }
    this.deps.board.patchCamera(cameraId, { ...patch, ...this.overlay(cameraId) });
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
   * An LPR camera's read-rate verdict (issue #17). `no_reads` makes a camera whose stream is
   * online `degraded` with the reason `lpr_no_reads`: the centre still gets a picture (integrated),
   * but the camera does not do its job. The first read clears it.
   */
  lpr(e: CamgateEvents['lpr.status']): void {
    const { board, bus, clock } = this.deps;
    const row = board.camera(e.cameraId);
    const from = this.lprView.get(e.cameraId)?.status;
    const view: LprView = {
      status: e.status,
      readsLastHour: e.readsLastHour,
      topic: e.topic,
      ...(e.lastReadAt !== undefined ? { lastReadAt: e.lastReadAt } : {}),
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
    };
    this.lprView.set(e.cameraId, view);
    if (!row) return;
    if (!this.streamView.has(e.cameraId))
      this.streamView.set(e.cameraId, { status: row.status, reasons: row.reasons, since: row.since });
    // `since` of a no_reads verdict is when the silence began by the stored periods (a restart
    // keeps it); without it, when the verdict changed.
    if (e.status === 'no_reads' && e.since !== undefined) this.lprSince.set(e.cameraId, isoTs(e.since));
    else if ((from === 'no_reads') !== (e.status === 'no_reads'))
      this.lprSince.set(e.cameraId, isoTs(clock.now()));
    board.patchCamera(e.cameraId, { lpr: view, ...this.overlay(e.cameraId) });
    this.settle(e.cameraId);
    if (from !== e.status) {
      bus.emit('health.lpr', {
        cameraId: e.cameraId,
        from,
        to: e.status,
        readsLastHour: e.readsLastHour,
        topic: e.topic,
        silentPeriods: e.silentPeriods,
        lastReadAt: e.lastReadAt,
        at: e.at,
      });
    }
    this.announce(e.cameraId);
  }

  /**
   * The picture checks judged a camera. Raised reasons make a camera whose stream is online
   * `degraded` with those reasons (and not integrated, health/integration.ts); the centre hears
   * of raises and clears as `health.picture`, and of every verdict in the retained state. A verdict
   * `resumed` after a restart was announced before it: it is no raise. The verdict is kept while
   * the stream is down (the fold ignores it then); when the stream comes back, the picture checks
   * judge it again at once (pictureService.ts recheck) rather than at the camera's next slot.
   */
  picture(cameraId: string, view: PictureView, at: number, resumed = false): void {
    const { board, bus } = this.deps;
    const row = board.camera(cameraId);
    const before = this.pictures.get(cameraId);
    this.pictures.set(cameraId, view);
    if (!row) return;
    if (!this.streamView.has(cameraId))
      this.streamView.set(cameraId, { status: row.status, reasons: row.reasons, since: row.since });
    board.patchCamera(cameraId, { picture: view, ...this.overlay(cameraId) });
    this.settle(cameraId);
    const was = before?.reasons ?? (resumed ? view.reasons : []);
    if (was.length !== view.reasons.length || was.some((r, i) => r !== view.reasons[i]))
      bus.emit('health.picture', { cameraId, from: was, to: view.reasons, at });
    this.announce(cameraId);
  }

  /** The camera left the directory: its picture and LPR verdicts and stream view go with it. */
  forget(cameraId: string): void {
    this.pictures.delete(cameraId);
    this.lprView.delete(cameraId);
    this.lprSince.delete(cameraId);
    this.streamView.delete(cameraId);
  }

  /**
   * The stream's status and reasons with the LPR verdict (health/lprFold.ts) and then the picture
   * verdict (health/pictureFold.ts) laid over them.
   */
  private overlay(cameraId: string): Partial<Pick<CameraStatusRow, 'status' | 'reasons' | 'since'>> {
    const stream = this.streamView.get(cameraId);
    if (!stream) return {};
    const lpr = foldLpr(stream, this.lprView.get(cameraId), this.lprSince.get(cameraId));
    return foldPicture(lpr, this.pictures.get(cameraId));
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

  private announce(cameraId: string): void {
    this.deps.bus.emit('camera.state', { cameraId, at: this.deps.clock.now() });
  }
}
