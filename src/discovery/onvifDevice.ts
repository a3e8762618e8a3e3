import type { Element } from '@xmldom/xmldom';
import type { Credential } from '../config/credentials.js';
import type { Clock } from '../shared/clock.js';
import type { Net } from '../shared/net.js';
import {
  parseCapabilities,
  parseDeviceInformation,
  parseEventTopics,
  parseNetworkInterfaces,
  parseServices,
  parseSystemDateAndTime,
  type ServiceEntry,
} from './deviceParsers.js';
import {
  parseMediaUri,
  parseProfiles,
  parseProfiles2,
  parseVideoSourceModes,
  parseVideoSources,
} from './mediaParsers.js';
import type {
  DeviceInformation,
  MediaProfile,
  NetworkInterfaceInfo,
  ServiceMap,
  VideoSource,
} from './onvifTypes.js';
import { SoapClient } from './soapClient.js';
import { escapeXml, NS } from './xml.js';

/** What discovery needs from one ONVIF device; `SoapOnvifDevice` is the implementation, tests may fake it. */
export interface OnvifDevice {
  /** The address that answered; every URL this device returns is rewritten onto it. */
  readonly address: string;
  /** Camera UTC clock in ms (unauthenticated, ONVIF Core §5.9.1), with our clock at the midpoint. */
  systemDateAndTime(): Promise<{ cameraMs: number | undefined; localMs: number }>;
  deviceInformation(): Promise<DeviceInformation>;
  networkInterfaces(): Promise<NetworkInterfaceInfo[]>;
  services(): Promise<ServiceMap>;
  profiles(services: ServiceMap): Promise<MediaProfile[]>;
  streamUri(services: ServiceMap, profileToken: string): Promise<string | undefined>;
  snapshotUri(services: ServiceMap, profileToken: string): Promise<string | undefined>;
  videoSources(services: ServiceMap): Promise<VideoSource[]>;
  videoSourceModes(
    services: ServiceMap,
    sourceToken: string,
  ): Promise<{ viewModes: string[]; descriptions: string[] }>;
  eventTopics(services: ServiceMap): Promise<string[]>;
}

export interface SoapOnvifDeviceOptions {
  readonly xaddr: string;
  readonly address: string;
  readonly credential?: Credential;
  readonly deadlineMs: number;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

const el = (name: string, ns: string, inner = ''): string => `<${name} xmlns="${ns}">${inner}</${name}>`;
const token = (name: string, value: string): string => `<${name}>${escapeXml(value)}</${name}>`;

/**
 * Our own SOAP implementation of `OnvifDevice` (see README: the `onvif` package's `Cam` has no
 * response cap, DTD rejection or per-call deadline). Each method is one ONVIF operation.
 */
export class SoapOnvifDevice implements OnvifDevice {
  readonly address: string;
  private readonly client: SoapClient;
  private readonly deviceUrl: string;
  private readonly hasCredential: boolean;
  /** Media2 is listed but its GetProfiles faulted: this device is read through Media1. */
  private media2Refused = false;

  constructor(
    private readonly deps: { clock: Clock; net: Net },
    options: SoapOnvifDeviceOptions,
  ) {
    this.address = options.address;
    this.hasCredential = options.credential !== undefined;
    this.deviceUrl = rewriteHost(options.xaddr, options.address);
    this.client = new SoapClient(deps, {
      credential: options.credential,
      deadlineMs: options.deadlineMs,
      maxBytes: options.maxBytes,
      signal: options.signal,
      // Anonymous only: a camera that refuses the anonymous clock read would otherwise cost more
      // failed logins per interrogation, and Hikvision firmware locks an account after about 5.
      resync: async () => {
        const t = await this.readClock(true);
        return t.cameraMs === undefined ? undefined : t.cameraMs - t.localMs;
      },
    });
  }

  /** Seeds the WS-Security clock offset from an earlier GetSystemDateAndTime. */
  setClockOffset(ms: number | undefined): void {
    this.client.setClockOffset(ms);
  }

  async systemDateAndTime(): Promise<{ cameraMs: number | undefined; localMs: number }> {
    try {
      return await this.readClock(true);
    } catch (err) {
      // ONVIF Core §5.9.1 makes GetSystemDateAndTime unauthenticated, but DVC (gSOAP SOAP fault,
      // "HTTP Error: 401 Unauthorized") and EZVIZ (HTTP 401, text/html "Access Error: 401") were
      // captured refusing it (corpus `*/device.GetSystemDateAndTimeUnauthorizedFault.xml`): ask
      // again with credentials. No re-sync on a refused token here: re-sync is this very call.
      if (!this.hasCredential || !isAuth(err)) throw err;
      return this.readClock(false);
    }
  }

  private async readClock(anonymous: boolean): Promise<{ cameraMs: number | undefined; localMs: number }> {
    const before = this.deps.clock.now();
    const resp = await this.client.call(
      this.deviceUrl,
      'GetSystemDateAndTime',
      el('GetSystemDateAndTime', NS.tds),
      { anonymous, noResync: true },
    );
    const localMs = Math.round((before + this.deps.clock.now()) / 2);
    return { cameraMs: parseSystemDateAndTime(resp), localMs };
  }

  async deviceInformation(): Promise<DeviceInformation> {
    return parseDeviceInformation(await this.device('GetDeviceInformation'));
  }

  async networkInterfaces(): Promise<NetworkInterfaceInfo[]> {
    return parseNetworkInterfaces(await this.device('GetNetworkInterfaces'));
  }

  async services(): Promise<ServiceMap> {
    let entries: ServiceEntry[];
    try {
      entries = parseServices(await this.device('GetServices', token('IncludeCapability', 'false')));
    } catch (err) {
      // GetServices is optional before ONVIF 2.0 (Axis Q6045-E answers it with a fault).
      if (!isFault(err)) throw err;
      entries = [];
    }
    if (!entries.some((e) => e.namespace === NS.trt || e.namespace === NS.tr2)) {
      entries = [
        ...entries,
        ...parseCapabilities(await this.device('GetCapabilities', token('Category', 'All'))),
      ];
    }
    const find = (ns: string): string | undefined => {
      const x = entries.find((e) => e.namespace === ns)?.xaddr;
      return x ? rewriteHost(x, this.address) : undefined;
    };
    return {
      device: this.deviceUrl,
      media: find(NS.trt),
      media2: find(NS.tr2),
      events: find(NS.tev),
      ptz: find('http://www.onvif.org/ver20/ptz/wsdl'),
      analytics: find('http://www.onvif.org/ver20/analytics/wsdl'),
    };
  }

  async profiles(s: ServiceMap): Promise<MediaProfile[]> {
    if (this.useMedia2(s)) {
      try {
        return parseProfiles2(
          await this.client.call(s.media2, 'GetProfiles', el('GetProfiles', NS.tr2, token('Type', 'All'))),
        );
      } catch (err) {
        // Listing Media2 in GetServices does not make its GetProfiles work: the EZVIZ
        // DS-2DE2C400IG-W-W replay (no media2.GetProfiles capture) gets its UnknownActionFault,
        // "ter:ActionNotSupported / ter:InvalidOperation". Media1 still answers; use it for the
        // stream and snapshot URIs too, since profile tokens need not match across services.
        if (!isFault(err) || !s.media) throw err;
        this.media2Refused = true;
      }
    }
    return parseProfiles(
      await this.client.call(s.media ?? this.deviceUrl, 'GetProfiles', el('GetProfiles', NS.trt)),
    );
  }

  async streamUri(s: ServiceMap, profileToken: string): Promise<string | undefined> {
    if (this.useMedia2(s)) {
      const body = el(
        'GetStreamUri',
        NS.tr2,
        token('Protocol', 'RtspUnicast') + token('ProfileToken', profileToken),
      );
      return this.uri(await this.client.call(s.media2, 'GetStreamUri', body));
    }
    const setup = `<StreamSetup><Stream xmlns="${NS.tt}">RTP-Unicast</Stream><Transport xmlns="${NS.tt}"><Protocol>RTSP</Protocol></Transport></StreamSetup>`;
    const body = el('GetStreamUri', NS.trt, setup + token('ProfileToken', profileToken));
    return this.uri(await this.client.call(s.media ?? this.deviceUrl, 'GetStreamUri', body));
  }

  async snapshotUri(s: ServiceMap, profileToken: string): Promise<string | undefined> {
    const media2 = this.useMedia2(s);
    const ns = media2 ? NS.tr2 : NS.trt;
    const url = media2 ? s.media2 : (s.media ?? this.deviceUrl);
    return this.uri(
      await this.client.call(
        url,
        'GetSnapshotUri',
        el('GetSnapshotUri', ns, token('ProfileToken', profileToken)),
      ),
    );
  }

  async videoSources(s: ServiceMap): Promise<VideoSource[]> {
    return parseVideoSources(
      await this.client.call(s.media ?? this.deviceUrl, 'GetVideoSources', el('GetVideoSources', NS.trt)),
    );
  }

  async videoSourceModes(
    s: ServiceMap,
    sourceToken: string,
  ): Promise<{ viewModes: string[]; descriptions: string[] }> {
    const body = el('GetVideoSourceModes', NS.trt, token('VideoSourceToken', sourceToken));
    return parseVideoSourceModes(
      await this.client.call(s.media ?? this.deviceUrl, 'GetVideoSourceModes', body),
    );
  }

  async eventTopics(s: ServiceMap): Promise<string[]> {
    return parseEventTopics(
      await this.client.call(
        s.events ?? this.deviceUrl,
        'GetEventProperties',
        el('GetEventProperties', NS.tev),
      ),
    );
  }

  private useMedia2(s: ServiceMap): s is ServiceMap & { media2: string } {
    return s.media2 !== undefined && !this.media2Refused;
  }

  private device(action: string, inner = ''): Promise<Element> {
    return this.client.call(this.deviceUrl, action, el(action, NS.tds, inner));
  }

  private uri(resp: Element): string | undefined {
    const u = parseMediaUri(resp);
    return u ? rewriteHost(u, this.address) : undefined;
  }
}

export function isFault(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ONVIF_FAULT';
}

export function isAuth(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ONVIF_AUTH';
}

/**
 * Puts `address` in place of the host a camera wrote into a URL: cameras behind NAT or with a
 * second interface report addresses we cannot reach (Axis Q6045-E reached at one address lists
 * 10.10.1.20 and 169.254.138.132 too). Port, path and query are kept; credentials are dropped.
 */
export function rewriteHost(url: string, address: string): string {
  try {
    const u = new URL(url);
    u.hostname = address;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    // Not a URL we can rewrite (a relative path from broken firmware): leave it for the caller to show.
    return url;
  }
}
