import path from 'node:path';
import { type CameraPlan, CameraWatch } from './cameraWatch.js';
import { RecorderSupervisor } from './recorderSupervisor.js';
import type { RecordingServiceDeps, RecordingServiceOptions } from './recordingService.js';

/**
 * One camera's watch, with a supervised recorder when we record it ourselves. The defaults
 * derive from the config: ffmpeg's socket timeout and the wedge kill follow health.stallSeconds,
 * and a run shorter than one segment (or 30 s) counts towards the crash loop.
 */
export function buildCameraWatch(
  plan: CameraPlan,
  o: RecordingServiceOptions,
  deps: RecordingServiceDeps,
): CameraWatch {
  const { clock, log } = deps;
  const camLog = log.child({ cameraId: plan.cameraId });
  const supervisor =
    plan.source === 'own' && plan.url
      ? new RecorderSupervisor(
          {
            cameraId: plan.cameraId,
            url: plan.url,
            transport: plan.transport,
            dir: path.join(o.dir, plan.cameraId),
            segmentSeconds: o.segmentSeconds,
            ioTimeoutSeconds: Math.max(5, o.stallSeconds * 2),
            stallKillSeconds: o.stallKillSeconds ?? Math.max(20, o.stallSeconds * 5),
            backoff: o.backoff ?? { initialMs: 1000, maxMs: 60_000 },
            healthyRunMs: Math.max(30_000, o.segmentSeconds * 1000),
            crashLoopLimit: o.crashLoopLimit ?? 5,
            crashLoopCooldownMs: o.crashLoopCooldownMs ?? 300_000,
            ffmpegPath: o.ffmpegPath,
          },
          { clock, log: camLog },
        )
      : undefined;
  return new CameraWatch(
    plan,
    {
      dir: o.dir,
      segmentSeconds: o.segmentSeconds,
      sanityEvery: o.sanityEvery ?? 10,
      pollMs: o.externalPollMs ?? 10_000,
    },
    { clock, log: camLog, probe: deps.probe, supervisor },
  );
}
