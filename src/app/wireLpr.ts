import { credentialFor } from '../config/credentials.js';
import { parseSystemDateAndTime } from '../discovery/deviceParsers.js';
import { EventClient } from '../discovery/eventClient.js';
import { rewriteHost } from '../discovery/onvifDevice.js';
import { SoapClient } from '../discovery/soapClient.js';
import { LprService } from '../lpr/lprService.js';
import type { EventSource } from '../lpr/pullPointSession.js';
import type { Service } from '../shared/service.js';
import type { CameraRecord } from '../shared/types.js';
import { LprRepo } from '../store/lprRepo.js';
import type { WiringContext } from './modules.js';

/**
 * LPR read rate (issue #17 item 3): one LprService for the site's `lpr` cameras. The ONVIF client
 * (bounded SOAP with Digest/WS-Security, host rewriting) is discovery's; what to do with the
 * events is lpr's; this joins them. `GET /lpr` lists every LPR camera's verdict for `status`.
 */
export function wireLpr(ctx: WiringContext): Service[] {
  const config = ctx.config.lpr;
  if (!config.enabled) return [];
  const service = new LprService({
    clock: ctx.clock,
    log: ctx.log,
    bus: ctx.bus,
    config,
    repo: new LprRepo(ctx.store.db),
    writes: ctx.store.writes,
    cameras: ctx.cameras,
    eventsFor: (camera) => eventSourceFor(ctx, camera),
  });
  ctx.board.section('lpr', () => ({
    cameras: ctx.cameras
      .all()
      .filter((c) => c.class === 'lpr')
      .map((c) => service.status(c.id) ?? { cameraId: c.id, status: 'unknown' }),
  }));
  return [service];
}

/**
 * The event client of one camera. The credential is read when the session starts (a changed
 * passwordFile is picked up on the next re-subscribe after `camgate reload` re-runs discovery).
 * One exchange is cut at the long-poll plus 10 s, and at `lpr.maxResponseBytes`.
 */
function eventSourceFor(ctx: WiringContext, camera: CameraRecord): EventSource {
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
  return new EventClient(soap, camera.address);
}
