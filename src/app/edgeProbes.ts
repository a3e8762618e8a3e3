import type { Credential } from '../config/credentials.js';
import { parseSystemDateAndTime } from '../discovery/deviceParsers.js';
import { rewriteHost } from '../discovery/onvifDevice.js';
import { searchServiceUrl } from '../discovery/searchService.js';
import { SoapClient } from '../discovery/soapClient.js';
import type { EdgeProbe } from '../recording/cameraWatch.js';
import { OnvifEdgeProbe } from '../recording/edgeProbe.js';
import type { Clock } from '../shared/clock.js';
import { CamgateError } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import type { Net } from '../shared/net.js';
import type { CameraRecord } from '../shared/types.js';

export interface EdgeProbeLimits {
  /** One SOAP exchange, connect to last byte. */
  readonly deadlineMs: number;
  readonly maxBytes: number;
}

const DEFAULT_LIMITS: EdgeProbeLimits = { deadlineMs: 5000, maxBytes: 1_000_000 };

/**
 * The live Profile G probe for one camera. The ONVIF client code (bounded SOAP, Digest then
 * WS-Security, GetServices and host rewriting) is discovery's; what to ask and how to read it is
 * recording's (`OnvifEdgeProbe`); this composition root joins them, so neither module imports the
 * other. The SOAP client is built on first use: a missing passwordFile then shows as the status
 * detail instead of failing the wiring; it is rebuilt when the credential changes.
 */
export function edgeProbeFor(
  deps: { clock: Clock; net: Net; log: Log },
  camera: Pick<CameraRecord, 'id' | 'address' | 'xaddr'>,
  credential: () => Credential | undefined,
  clockOffsetMs: () => number | undefined,
  limits: EdgeProbeLimits = DEFAULT_LIMITS,
): EdgeProbe {
  const { xaddr, address } = camera;
  if (!xaddr) {
    return {
      latestWrite: () =>
        Promise.reject(
          new CamgateError(
            'ONVIF_UNSUPPORTED',
            'no ONVIF device service known for this camera (static RTSP)',
          ),
        ),
    };
  }
  let client: SoapClient | undefined;
  let seeded: number | undefined;
  let builtFor: Credential | undefined;
  const soap = (): SoapClient => {
    // The client holds the credential it was built with: a password changed in config (or its
    // passwordFile) is picked up by building a new one. Compared here only, never logged.
    const cred = credential();
    if (client && !sameCredential(cred, builtFor)) client = undefined;
    if (!client) {
      builtFor = cred;
      const c: SoapClient = new SoapClient(deps, {
        credential: cred,
        deadlineMs: limits.deadlineMs,
        maxBytes: limits.maxBytes,
        clockOffsetMs: clockOffsetMs(),
        resync: async () => {
          const before = deps.clock.now();
          const resp = await c.call(
            rewriteHost(xaddr, address),
            'GetSystemDateAndTime',
            '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>',
            { anonymous: true },
          );
          const cameraMs = parseSystemDateAndTime(resp);
          return cameraMs === undefined ? undefined : cameraMs - (before + deps.clock.now()) / 2;
        },
      });
      client = c;
      seeded = clockOffsetMs();
    }
    // WS-Security Created follows a newly measured offset (every discovery sweep measures one);
    // between sweeps the client keeps what its own re-sync learnt.
    const offset = clockOffsetMs();
    if (offset !== seeded) {
      seeded = offset;
      client.setClockOffset(offset);
    }
    return client;
  };
  return new OnvifEdgeProbe({
    soap: { call: (url, action, body, opts) => soap().call(url, action, body, opts) },
    searchUrl: (signal) => searchServiceUrl(soap(), xaddr, address, signal),
    clockOffsetMs,
    log: deps.log.child({ cameraId: camera.id, part: 'edge' }),
  });
}

function sameCredential(a: Credential | undefined, b: Credential | undefined): boolean {
  return a?.username === b?.username && a?.password === b?.password && a?.allowBasic === b?.allowBasic;
}
