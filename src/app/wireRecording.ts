import { credentialFor } from '../config/credentials.js';
import { isoTs } from '../shared/clock.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import { RecordingRepo } from '../store/recordingRepo.js';
import { probeSegment } from '../streams/ffmpeg/recorderProbe.js';
import { planFor, recordingWanted } from '../streams/recording/recordingPlans.js';
import { RecordingService } from '../streams/recording/recordingService.js';
import { parseStorageAlarms } from '../streams/recording/storageAlarms.js';
import { NotFoundError } from './control.js';
import { edgeProbeFor } from './edgeProbes.js';
import type { Wiring, WiringContext } from './modules.js';
import { staticCameras } from './staticCameras.js';

/**
 * Recording: one service for the site. Cameras come from config (static RTSP) and from the
 * inventory; status goes to the board, gaps to the outages table, storage to `status.recording`.
 */
/** kv key: the storage alarms active at the last change, so the next boot can clear ended ones. */
export const STORAGE_ALARMS_KEY = 'recording.storageAlarms';

export const wireRecording: Wiring = (ctx: WiringContext): Service[] => {
  const { config } = ctx;
  if (!recordingWanted(config)) return [];
  const repo = new RecordingRepo(ctx.store.db, ctx.bootId);
  const closed = repo.closeLeftovers(ctx.clock.now());
  if (closed > 0) ctx.log.info({ closed }, 'closed recording gaps left open by the previous boot');
  // Camera clock minus ours, as the latest interrogation measured it: edge DataUntil is on the camera's clock.
  const clockOffsets = new Map<string, number | undefined>();
  const plan = (camera: CameraRecord) => {
    const credential = () => credentialFor(config, { id: camera.id, address: camera.address });
    clockOffsets.set(camera.id, camera.clockOffsetMs);
    return planFor(camera, config, credential, () =>
      edgeProbeFor(
        { clock: ctx.clock, net: ctx.net, log: ctx.log.child({ module: 'recording' }) },
        camera,
        credential,
        () => clockOffsets.get(camera.id),
      ),
    );
  };
  const removed = (id: string) => {
    clockOffsets.delete(id);
    return service.removeCamera(id);
  };
  const startCameras = staticCameras(config.cameras, isoTs(ctx.clock.now()));
  const service = new RecordingService(
    startCameras.map(plan),
    {
      dir: config.recording.dir,
      segmentSeconds: config.recording.segmentSeconds,
      retentionDays: config.recording.retentionDays,
      minFreePercent: config.recording.minFreePercent,
      stallSeconds: config.health.stallSeconds,
      databaseDir: config.storage.path,
      carriedAlarms: parseStorageAlarms(ctx.store.getKv(STORAGE_ALARMS_KEY)),
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
  ctx.bus.on('recording.status', (e) => {
    ctx.board.patchCamera(e.cameraId, { recording: { status: e.status, lastSegmentAt: e.lastSegmentAt } });
  });
  ctx.bus.on('recording.alarm', () => {
    try {
      ctx.store.setKv(STORAGE_ALARMS_KEY, JSON.stringify(service.storageReport().alarms));
    } catch (err) {
      ctx.log.error({ err }, 'could not persist the active storage alarms');
    }
  });
  ctx.bus.on('inventory.changed', (e) => {
    const done = e.type === 'camera.removed' ? removed(e.camera.id) : service.addCamera(plan(e.camera));
    done.catch((err: unknown) =>
      ctx.log.error({ err, cameraId: e.camera.id }, 'recording inventory update failed'),
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
