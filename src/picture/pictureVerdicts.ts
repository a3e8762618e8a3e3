import { isoTs } from '../shared/clock.js';
import type { CameraRecord, PictureView } from '../shared/types.js';
import { PICTURE_REASONS } from './assess.js';
import { type PictureState, reducePicture } from './pictureMachine.js';
import type { PictureServiceDeps } from './pictureService.js';
import { rulesFor } from './rules.js';

/** The picture service's own deps that its verdicts need. */
export type PictureVerdictsDeps = Pick<
  PictureServiceDeps,
  'clock' | 'log' | 'bus' | 'config' | 'store' | 'cameras'
>;

/** A camera's picture state where its service keeps it; updated before the verdict is told. */
export interface PictureHolder {
  state: PictureState;
}

/**
 * What becomes of a picture check's outcome (PictureService decides when to check): the picture
 * machine's step, the reference and the degraded period kept in the store, and `picture.verdict`
 * on the bus with the time the verdict last changed.
 */
export class PictureVerdicts {
  private readonly lastSince = new Map<string, string>();

  constructor(private readonly deps: PictureVerdictsDeps) {}

  /**
   * A camera's first sight in this run. A restart does not forget a bad picture: the open degraded
   * period's reasons are raised again at once (the camera stays not integrated, and the centre,
   * which heard `picture.degraded` before, hears nothing new), and the next checks clear them as usual.
   */
  resume(cameraId: string, held: PictureHolder): void {
    let open: { reasons: readonly string[]; since: string } | undefined;
    this.persist(cameraId, 'read the open degraded period', () => {
      open = this.deps.store.resume?.(cameraId, this.isoNow());
    });
    const reasons = PICTURE_REASONS.filter((r) => open?.reasons.includes(r));
    if (!open || reasons.length === 0) return;
    held.state = { ...held.state, status: 'degraded', reasons };
    this.lastSince.set(cameraId, open.since);
    const view: PictureView = { status: 'degraded', reasons, checkedAt: undefined, since: open.since };
    this.deps.bus.emit('picture.verdict', { cameraId, view, at: this.deps.clock.now(), resumed: true });
    this.deps.log.info({ cameraId, reasons, since: open.since }, 'picture verdict resumed from the store');
  }

  /** One step of the camera's picture machine, kept and told. */
  apply(
    cameraId: string,
    held: PictureHolder,
    event: Parameters<typeof reducePicture>[1],
    camera?: CameraRecord,
  ): void {
    const atIso = this.isoNow();
    const cls = camera?.class ?? this.deps.cameras().find((c) => c.id === cameraId)?.class ?? 'overview';
    const before = held.state;
    const step = reducePicture(before, event, atIso, rulesFor(this.deps.config, cls));
    held.state = step.state;
    const { store, log } = this.deps;
    const learnt = step.learnt;
    if (learnt) {
      this.persist(cameraId, 'save the reference', () => store.saveReference(cameraId, learnt));
      log.info({ cameraId, mode: learnt.mode }, 'picture reference learnt');
    }
    if (step.changed) {
      const reasons = step.state.reasons;
      this.persist(cameraId, 'record the verdict', () =>
        reasons.length > 0 ? store.degraded(cameraId, reasons, atIso) : store.ok(cameraId, atIso),
      );
      log.info({ cameraId, from: before.reasons, to: reasons }, 'picture verdict changed');
    }
    const view: PictureView = {
      status: step.state.status,
      reasons: step.state.reasons,
      checkedAt: step.state.checkedAt,
      since: step.changed ? atIso : (this.lastSince.get(cameraId) ?? atIso),
    };
    this.lastSince.set(cameraId, view.since ?? atIso);
    this.deps.bus.emit('picture.verdict', { cameraId, view, at: this.deps.clock.now() });
  }

  /** A store failure (a full disk) must not stop the verdict reaching the camera's state. */
  private persist(cameraId: string, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.log.error({ err, cameraId }, `picture: could not ${what}`);
    }
  }

  private isoNow(): string {
    return isoTs(this.deps.clock.now());
  }
}
