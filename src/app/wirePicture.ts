import { PictureAlbum } from '../picture/pictureAlbum.js';
import { PictureService } from '../picture/pictureService.js';
import type { PictureSource } from '../picture/pictureWhy.js';
import { Slots } from '../picture/slots.js';
import { isoTs } from '../shared/clock.js';
import type { Service } from '../shared/service.js';
import { PictureRepo } from '../store/pictureRepo.js';
import type { FfmpegTransport } from '../streams/ffmpeg/rtspTransport.js';
import { NotFoundError } from './control.js';
import type { Wiring, WiringContext } from './modules.js';
import { routePictureAlbum } from './pictureAlbumRoutes.js';
import {
  KEYFRAMES_PER_FFMPEG,
  PICTURES_PER_FFMPEG,
  pictureBatchers,
  type Sampler,
  sampleThumbnail,
} from './pictureSampler.js';

/**
 * Picture checks (issue #17): the PictureService samples each camera's picture (its ONVIF snapshot
 * URI, else keyframes of the stream the daemon watches, else of its sub-stream through an ffmpeg of
 * their own; pictureSampler.ts), reduced by ffmpeg to a thumbnail in batches, and its verdicts
 * reach CameraStates as `picture.verdict`. Routes: `GET /picture/:camera` (measures for
 * `camgate why`), `POST /picture/reset` (`camgate picture reset`), and the pictures' own
 * (pictureAlbumRoutes.ts: the latest sample and the references as thumbnails, handover references).
 */
export const wirePicture: Wiring = (ctx: WiringContext): Service[] => {
  const config = ctx.config.picture;
  const repo = new PictureRepo(ctx.store.db, ctx.bootId);
  const log = ctx.log.child({ module: 'picture' });
  const learnt = new Map<string, FfmpegTransport>();
  // Ends batched ffmpeg runs in flight when the daemon stops (the service aborts its own samples).
  const abort = new AbortController();
  ctx.bus.on('stream.sample', (s) => {
    if (s.stats?.transport) learnt.set(s.cameraId, s.stats.transport);
  });
  const slots = new Slots(1);
  // A verdict may wait 5 % of the interval (30 s at the default 10 min) for others to share ffmpeg.
  // At least 1 s: a check's two grabs (checkGrabs.ts pairGapMs) then share a run at short
  // intervals too.
  const maxWaitMs = () => Math.min(30_000, Math.max(1000, config.intervalMinutes * 60_000 * 0.05));
  const sampler: Sampler = {
    clock: ctx.clock,
    net: ctx.net,
    config: ctx.config,
    slots,
    batchers: pictureBatchers(ctx, slots, abort.signal, maxWaitMs),
    keyframes: ctx.keyframes,
  };
  // `camgate acceptance` asks for pictures one or two at a time: no waiting for a batch to fill.
  const now: Sampler = { ...sampler, batchers: pictureBatchers(ctx, slots, abort.signal, () => 0) };
  // Where each camera's latest sample came from (`camgate why`).
  const sources = new Map<string, PictureSource>();
  const album = new PictureAlbum(() => new Set(ctx.cameras.all().map((c) => c.id)));
  const service = new PictureService({
    clock: ctx.clock,
    log: ctx.log,
    bus: ctx.bus,
    config,
    store: album.storeFor(repo),
    cameras: () => ctx.cameras.all(),
    streamAdvancing: (id) => {
      const status = ctx.board.camera(id)?.status;
      return status === 'online' || status === 'degraded';
    },
    sample: async (camera, signal, onStream) => {
      const transport = learnt.get(camera.id) ?? 'tcp';
      const grab = await sampleThumbnail(sampler, camera, signal, transport, 2, onStream);
      album.record(camera.id, grab.thumbnail, isoTs(ctx.clock.now()));
      sources.set(camera.id, grab.source);
      return grab;
    },
    ffmpegSlots: slots,
    samplesPerSlot: PICTURES_PER_FFMPEG,
    // Two keyframes per check: a group's pictures fill one keyframe batch.
    checksTogether: KEYFRAMES_PER_FFMPEG / 2,
  });
  ctx.control.route('GET', '/picture/:camera', (req) => {
    const id = req.params.camera ?? '';
    if (!ctx.cameras.get(id)) throw new NotFoundError(`unknown camera ${id}`);
    const s = service.state(id);
    const refSources = new Map(repo.pictures(id).map((p) => [p.mode, p.source]));
    return {
      cameraId: id,
      enabled: config.enabled,
      intervalMinutes: config.intervalMinutes,
      status: s?.status ?? 'unknown',
      reasons: s?.reasons ?? [],
      checkedAt: s?.checkedAt ?? null,
      last: s?.last ?? null,
      lastError: s?.lastError ?? null,
      references: Object.values(s?.references ?? repo.references(id)).map(({ grid: _g, ...r }) => ({
        ...r,
        source: refSources.get(r.mode) ?? 'learnt',
      })),
      latestAt: album.latestOf(id)?.at ?? null,
      latestSource: sources.get(id) ?? null,
    };
  });
  routePictureAlbum({
    ctx,
    config,
    album,
    repo,
    service,
    sampleNow: async (camera) =>
      (await sampleThumbnail(now, camera, abort.signal, learnt.get(camera.id) ?? 'tcp', 1)).thumbnail,
  });
  ctx.control.route('POST', '/picture/reset', (req) => {
    const id = (req.body as { camera?: unknown } | undefined)?.camera;
    if (typeof id !== 'string') throw new NotFoundError('picture reset needs {"camera": "<id>"}');
    if (!ctx.cameras.get(id)) throw new NotFoundError(`unknown camera ${id}`);
    return { cameraId: id, ...service.reset(id) };
  });
  if (!config.enabled) {
    log.info('picture checks disabled (picture.enabled: false)');
    return [];
  }
  ctx.board.section('picture', () => service.stats());
  return [
    service,
    {
      name: 'picture-ffmpeg',
      start: async () => undefined,
      stop: async () => abort.abort(new Error('daemon stopping')),
    },
  ];
};
