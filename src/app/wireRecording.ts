import { ownRecordingWanted, recordingWanted } from '../recording/recordingPlans.js';
import { RecordingService } from '../recording/recordingService.js';
import type { Service } from '../shared/service.js';
import { RecordingRepo } from '../store/recordingRepo.js';
import { probeSegment } from '../streams/ffmpeg/recorderProbe.js';
import { NotFoundError } from './control.js';
import type { Wiring, WiringContext } from './modules.js';
import { recordingPlanner } from './recordingPlanner.js';
import { loadStorageAlarms, saveStorageAlarmsOnChange } from './savedStorageAlarms.js';

/**
 * Recording: one service for the site, for the cameras in the directory; its `recording.status`
 * reaches the board through health's CameraStates (the one writer of a camera's state), gaps go
 * to the outages table, storage to `status.recording`.
 */
export const wireRecording: Wiring = (ctx: WiringContext): Service[] => {
  const { config } = ctx;
  if (!recordingWanted(config)) return [];
  const repo = new RecordingRepo(ctx.store.db, ctx.bootId);
  const closed = repo.closeLeftovers(ctx.clock.now());
  if (closed > 0) ctx.log.info({ closed }, 'closed recording gaps left open by the previous boot');
  const plan = recordingPlanner(ctx);
  const service = new RecordingService(
    ctx.cameras.all().map(plan),
    {
      dir: config.recording.dir,
      segmentSeconds: config.recording.segmentSeconds,
      retentionDays: config.recording.retentionDays,
      minFreePercent: config.recording.minFreePercent,
      stallSeconds: config.health.stallSeconds,
      databaseDir: config.storage.path,
      carriedAlarms: loadStorageAlarms(ctx),
      ownRecording: ownRecordingWanted(config),
    },
    {
      clock: ctx.clock,
      log: ctx.log.child({ module: 'recording' }),
      bus: ctx.bus,
      gaps: {
        open: (id, cause, at) => repo.openGap(id, cause, at),
        close: (id, at, reason) => repo.closeGap(id, at, reason),
      },
      probe: (file) => probeSegment(file),
    },
  );
  saveStorageAlarmsOnChange(ctx, () => service.storageReport().alarms);
  ctx.cameras.subscribe((change) => {
    const { camera } = change;
    const done =
      change.type === 'removed' ? service.removeCamera(camera.id) : service.addCamera(plan(camera));
    done.catch((err: unknown) =>
      ctx.log.error({ err, cameraId: camera.id }, 'recording inventory update failed'),
    );
  });
  ctx.board.section('recording', () => ({
    storage: service.storageReport(),
    cameras: service.cameras().map(({ recorder, ...rest }) => ({
      ...rest,
      recorder: recorder && {
        running: recorder.running,
        starts: recorder.starts,
        crashLoop: recorder.crashLoop,
      },
    })),
  }));
  // `camgate why CAMERA` evidence: the recorder's last (redacted) ffmpeg lines and recent gaps.
  ctx.control.route('GET', '/recording/:camera', (req) => {
    const id = req.params.camera ?? '';
    const view = service.camera(id);
    if (!view) throw new NotFoundError(`no recording for camera ${id}`);
    return { ...view, gaps: repo.gaps(id, 20) };
  });
  return [service];
};
