import { credentialFor } from '../config/credentials.js';
import { parseSystemDateAndTime } from '../discovery/deviceParsers.js';
import { EventClient } from '../discovery/eventClient.js';
import { rewriteHost } from '../discovery/onvifDevice.js';
import { SoapClient } from '../discovery/soapClient.js';
import { LprService } from '../lpr/lprService.js';
import type { EventSource } from '../lpr/pullPointSession.js';
import { isoTs } from '../shared/clock.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import { LprNoReadsRepo } from '../store/lprNoReadsRepo.js';
import { LprRepo } from '../store/lprRepo.js';
import type { Db } from '../store/store.js';
import type { WiringContext } from './modules.js';

/**
 * LPR read rate (issue #17 item 3): one LprService for the site's `lpr` cameras. The ONVIF client
 * (bounded SOAP with Digest/WS-Security, host rewriting) is discovery's; what to do with the
 * events is lpr's; this joins them. `GET /lpr` lists every LPR camera's verdict for `status`.
 */
export function wireLpr(ctx: WiringContext): Service[] {
  const config = ctx.config.lpr;
  if (!config.enabled) return [];
  // `camgate reload` / SIGHUP: the next exchange of every camera builds its client with the
  // credential as config (or its passwordFile) says now. The bus lives as long as this wiring.
  const credentials = { generation: 0 };
  ctx.bus.on('credentials.reload', () => {
    credentials.generation += 1;
  });
  const service = new LprService({
    clock: ctx.clock,
    log: ctx.log,
    bus: ctx.bus,
    config,
    repo: new LprRepo(ctx.store.db),
    writes: ctx.store.writes,
    cameras: ctx.cameras,
    eventsFor: (camera) => eventSourceFor(ctx, camera, credentials),
  });
  recordNoReads(ctx);
  ctx.board.section('lpr', () => ({
    cameras: ctx.cameras
      .all()
      .filter((c) => c.class === 'lpr')
      .map((c) => service.status(c.id) ?? { cameraId: c.id, status: 'unknown' }),
  }));
  return [service];
}

/**
 * Keeps the `lpr_no_reads` periods for `camgate report` (migration 009): opened when a camera's
 * verdict becomes `no_reads`, ended when it becomes anything else. A store failure (a full disk)
 * is logged; the live verdict does not depend on it.
 */
export function recordNoReads(
  ctx: Pick<WiringContext, 'bus' | 'log' | 'bootId'> & { store: { db: Db } },
): void {
  const repo = new LprNoReadsRepo(ctx.store.db, ctx.bootId);
  const log = ctx.log.child({ module: 'lpr' });
  const last = new Map<string, boolean>();
  ctx.bus.on('lpr.status', (e) => {
    const noReads = e.status === 'no_reads';
    if (last.get(e.cameraId) === noReads) return;
    last.set(e.cameraId, noReads);
    const atIso = isoTs(e.at);
    try {
      if (noReads) repo.noReads(e.cameraId, atIso);
      else repo.reading(e.cameraId, atIso);
    } catch (err) {
      log.error({ err, cameraId: e.cameraId }, 'lpr: could not record the no-reads period');
    }
  });
}

/**
 * The event client of one camera. Its SOAP client holds the credential it was built with; it is
 * rebuilt on the first exchange after a `credentials.reload`. One exchange is cut at the long-poll
 * plus 10 s, and at `lpr.maxResponseBytes`.
 */
function eventSourceFor(
  ctx: WiringContext,
  camera: CameraRecord,
  credentials: { readonly generation: number },
): EventSource {
  let client: SoapClient | undefined;
  let builtAt = -1;
  const soap = (): SoapClient => {
    if (!client || builtAt !== credentials.generation) {
      builtAt = credentials.generation;
      client = soapClientFor(ctx, camera);
    }
    return client;
  };
  return new EventClient(
    { call: (url, action, body, opts) => soap().call(url, action, body, opts) },
    camera.address,
  );
}

function soapClientFor(ctx: WiringContext, camera: CameraRecord): SoapClient {
  const { lpr } = ctx.config;
  const deps = { clock: ctx.clock, net: ctx.net };
  const soap: SoapClient = new SoapClient(deps, {
    credential: credentialFor(ctx.config, { id: camera.id, address: camera.address }),
    deadlineMs: (lpr.pullTimeoutSeconds + 10) * 1000,
    maxBytes: lpr.maxResponseBytes,
    clockOffsetMs: camera.clockOffsetMs,
    resync: async () => {
      if (!camera.xaddr) return undefined;
      const before = ctx.clock.now();
      const resp = await soap.call(
        rewriteHost(camera.xaddr, camera.address),
        'GetSystemDateAndTime',
        '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>',
        { anonymous: true },
      );
      const cameraMs = parseSystemDateAndTime(resp);
      return cameraMs === undefined ? undefined : cameraMs - (before + ctx.clock.now()) / 2;
    },
  });
  return soap;
}
