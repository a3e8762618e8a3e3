import { credentialFor } from '../config/credentials.js';
import { fetchSnapshot } from '../discovery/snapshot.js';
import { JpegBatcher } from '../picture/jpegBatcher.js';
import { THUMB_HEIGHT, THUMB_WIDTH, thumbnailOf } from '../picture/measures.js';
import { PictureAlbum } from '../picture/pictureAlbum.js';
import { type PictureGrab, PictureService } from '../picture/pictureService.js';
import { Slots } from '../picture/slots.js';
import { withCredentials } from '../recording/recordingPlans.js';
import { isoTs } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import { PictureRepo } from '../store/pictureRepo.js';
import type { FfmpegTransport } from '../streams/ffmpeg/rtspTransport.js';
import { reduceToThumbnail, type ThumbnailSource } from '../streams/ffmpeg/thumbnail.js';
import { NotFoundError } from './control.js';
import type { Wiring, WiringContext } from './modules.js';
import { routePictureAlbum } from './pictureAlbumRoutes.js';

/**
 * Picture checks (issue #17): the PictureService samples each camera's picture (its ONVIF snapshot
 * URI, else one keyframe of its sub-stream, reduced by ffmpeg to a thumbnail) and its verdicts
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
  const batcher = new JpegBatcher({
    clock: ctx.clock,
    slots,
    reduce: (jpegs) => reduceThumbnails(ctx, { kind: 'jpeg', jpegs }, abort.signal),
    maxBatch: JPEGS_PER_FFMPEG,
    // A verdict may wait 5 % of the interval (30 s at the default 10 min) for others to share ffmpeg.
    // At least 1 s: a check's two grabs (checkGrabs.ts pairGapMs) then share a run at short
    // intervals too.
    maxWaitMs: () => Math.min(30_000, Math.max(1000, config.intervalMinutes * 60_000 * 0.05)),
  });
  const sampler: Sampler = { clock: ctx.clock, net: ctx.net, config: ctx.config, slots, batcher };
  // `camgate acceptance` asks for pictures one or two at a time: no waiting for a batch to fill.
  const now: Sampler = {
    ...sampler,
    batcher: new JpegBatcher({
      clock: ctx.clock,
      slots,
      reduce: (jpegs) => reduceThumbnails(ctx, { kind: 'jpeg', jpegs }, abort.signal),
      maxBatch: JPEGS_PER_FFMPEG,
      maxWaitMs: () => 0,
    }),
  };
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
    sample: async (camera, signal) => {
      const grab = await sampleThumbnail(sampler, camera, signal, learnt.get(camera.id) ?? 'tcp', 2);
      album.record(camera.id, grab.thumbnail, isoTs(ctx.clock.now()));
      return grab;
    },
    ffmpegSlots: slots,
    samplesPerSlot: JPEGS_PER_FFMPEG,
  });
  ctx.control.route('GET', '/picture/:camera', (req) => {
    const id = req.params.camera ?? '';
    if (!ctx.cameras.get(id)) throw new NotFoundError(`unknown camera ${id}`);
    const s = service.state(id);
    const sources = new Map(repo.pictures(id).map((p) => [p.mode, p.source]));
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
        source: sources.get(r.mode) ?? 'learnt',
      })),
      latestAt: album.latestOf(id)?.at ?? null,
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

/** JPEGs one ffmpeg run reduces at most. */
const JPEGS_PER_FFMPEG = 16;

/** What sampling needs: time, sockets, config (credentials, limits), the ffmpeg slots and the JPEG batcher. */
export interface Sampler extends Pick<WiringContext, 'clock' | 'net' | 'config'> {
  readonly slots: Slots;
  readonly batcher: JpegBatcher;
}

export async function reduceThumbnails(
  ctx: Pick<WiringContext, 'clock' | 'config'>,
  source: ThumbnailSource,
  signal: AbortSignal,
): Promise<readonly Buffer[]> {
  const timeoutMs = ctx.config.picture.timeoutSeconds * 1000;
  const run = await reduceToThumbnail(
    { clock: ctx.clock },
    { source, width: THUMB_WIDTH, height: THUMB_HEIGHT, timeoutMs, signal },
  );
  return run.raws;
}

/**
 * The snapshot URI first (the camera encodes it; its JPEG joins a batch for ffmpeg), else
 * `keyframes` keyframes of the sub-stream in one ffmpeg of its own, in a slot (two for a
 * picture check: its second grab comes with the first).
 */
export async function sampleThumbnail(
  s: Sampler,
  camera: CameraRecord,
  signal: AbortSignal,
  transport: FfmpegTransport,
  keyframes: 1 | 2 = 1,
): Promise<PictureGrab> {
  const { timeoutSeconds, maxSnapshotBytes } = s.config.picture;
  const timeoutMs = timeoutSeconds * 1000;
  const credential = credentialFor(s.config, { id: camera.id, address: camera.address });
  let why = 'no ONVIF snapshot URI';
  if (camera.snapshotUri) {
    try {
      const jpeg = await fetchSnapshot(
        { clock: s.clock, net: s.net },
        { url: camera.snapshotUri, credential, deadlineMs: timeoutMs, maxBytes: maxSnapshotBytes, signal },
      );
      return { thumbnail: thumbnailOf(await s.batcher.reduce(jpeg)) };
    } catch (err) {
      if (signal.aborted) throw err;
      why = err instanceof Error ? err.message : String(err);
    }
  }
  const profile =
    camera.profiles.find((p) => p.role === 'sub') ??
    camera.profiles.find((p) => p.role === 'main') ??
    camera.profiles[0];
  if (!profile) throw new CamgateError('SNAPSHOT', `${camera.id}: ${why} and no stream to sample`);
  try {
    const url = withCredentials(profile.rtspUrl, credential);
    const [raw, next] = await s.slots.run(() =>
      reduceThumbnails(s, { kind: 'rtsp', url, transport, keyframes }, signal),
    );
    if (!raw) throw new CamgateError('FFMPEG', 'no thumbnail');
    return { thumbnail: thumbnailOf(raw), ...(next ? { next: thumbnailOf(next) } : {}) };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new CamgateError('SNAPSHOT', `${camera.id}: ${why}; sub-stream keyframe: ${msg}`, { cause: err });
  }
}
