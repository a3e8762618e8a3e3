import { CRASH_LOOP_DEFAULTS } from '../health/streamQuality.js';
import { parseSince } from '../health/timeWindow.js';
import type { Service } from '../shared/service.js';
import { HistoryRepo } from '../store/historyRepo.js';
import { HealthService } from './healthService.js';
import type { WiringContext } from './modules.js';

/**
 * Health: one HealthService for the site (stream health per camera, the one camera state on the
 * board, clock steps, history) and its control routes, `GET /why/:camera` and `GET /outages`.
 */
export function wireHealth(ctx: WiringContext): Service[] {
  const history = new HistoryRepo(ctx.store.db);
  const service = new HealthService({
    clock: ctx.clock,
    log: ctx.log,
    bus: ctx.bus,
    board: ctx.board,
    history,
    rules: { ...ctx.config.health, ...CRASH_LOOP_DEFAULTS },
    bootId: ctx.bootId,
    writes: ctx.store.writes,
    startedAt: ctx.startedAt,
    cameras: () => ctx.cameras.all(),
  });
  service.hearRecording();
  ctx.control.route('GET', '/why/:camera', (req) => service.why(req.params.camera ?? ''));
  ctx.control.route('GET', '/outages', (req) => ({
    outages: history.outages({
      cameraId: req.query.get('camera') ?? undefined,
      kind: req.query.get('kind') ?? undefined,
      sinceMs: parseSince(req.query.get('since')),
    }),
  }));
  return [service];
}
