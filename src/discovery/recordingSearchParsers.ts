import type { Element } from '@xmldom/xmldom';
import { CamgateError } from '../shared/errors.js';
import { parseXml } from './xml.js';

/**
 * ONVIF Profile G search-service replies (ver10/search/wsdl), parsed for one question: is the
 * camera's own storage (SD card, edge NAS) still being written? DataUntil / LatestRecording must
 * keep advancing. Pure: XML text in, typed values out.
 */
export interface RecordingSummary {
  readonly dataFrom?: number;
  readonly dataUntil?: number;
  readonly numberRecordings?: number;
}

export interface EdgeTrack {
  readonly token: string;
  readonly type: string;
  readonly dataTo?: number;
}

export interface EdgeRecording {
  readonly token: string;
  readonly sourceName?: string;
  readonly earliest?: number;
  readonly latest?: number;
  /** 'Recording' | 'Stopped' | 'Initiated' | 'Removing' | 'Removed' | 'Unknown' per the spec. */
  readonly status?: string;
  readonly tracks: readonly EdgeTrack[];
}

export interface RecordingSearchResults {
  /** 'Searching' | 'Completed' | 'Queued' | 'Unknown'. */
  readonly state?: string;
  readonly recordings: readonly EdgeRecording[];
}

const MAX_XML = 1_000_000;

/** Text straight from the wire, or the response element a SOAP client has already taken out of Body. */
export type SearchReply = string | Element;

/** Through discovery's one XML parser (no DTDs, a size cap, xmldom loaded at first use). */
function parseReply(xml: SearchReply, op: string): Element {
  if (typeof xml !== 'string') return checked(xml, op);
  let root: Element;
  try {
    root = parseXml(xml, MAX_XML);
  } catch (err) {
    if (!(err instanceof CamgateError)) throw err;
    throw new CamgateError(err.code, `${op}: ${err.message}`, { cause: err });
  }
  return checked(root, op);
}

function checked(root: Element, op: string): Element {
  const fault = first(root, 'Fault');
  if (fault) {
    const reason = text(fault, 'Text') ?? text(fault, 'Value') ?? 'SOAP fault';
    throw new CamgateError('ONVIF_FAULT', `${op}: ${reason}`);
  }
  return root;
}

function first(root: Element, local: string): Element | undefined {
  return root.getElementsByTagNameNS('*', local).item(0) ?? undefined;
}

function children(root: Element, local: string): Element[] {
  const out: Element[] = [];
  for (let n = root.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === n.ELEMENT_NODE && (n as Element).localName === local) out.push(n as Element);
  }
  return out;
}

function text(root: Element, local: string): string | undefined {
  const t = first(root, local)?.textContent?.trim();
  return t ? t : undefined;
}

/** xs:dateTime to ms. Some firmwares omit the zone ("2025-03-15T16:28:00"): ONVIF times are UTC. */
export function parseOnvifTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseRecordingSummary(xml: SearchReply): RecordingSummary {
  const root = parseReply(xml, 'GetRecordingSummary');
  const summary = first(root, 'Summary');
  if (!summary) throw new CamgateError('ONVIF_MALFORMED', 'GetRecordingSummary: no Summary');
  const count = text(summary, 'NumberRecordings');
  return {
    dataFrom: parseOnvifTime(text(summary, 'DataFrom')),
    dataUntil: parseOnvifTime(text(summary, 'DataUntil')),
    numberRecordings: count === undefined ? undefined : Number.parseInt(count, 10),
  };
}

export function parseFindRecordings(xml: SearchReply): string {
  const token = text(parseReply(xml, 'FindRecordings'), 'SearchToken');
  if (!token) throw new CamgateError('ONVIF_MALFORMED', 'FindRecordings: no SearchToken');
  return token;
}

export function parseRecordingSearchResults(xml: SearchReply): RecordingSearchResults {
  const root = parseReply(xml, 'GetRecordingSearchResults');
  const list = first(root, 'ResultList');
  if (!list) throw new CamgateError('ONVIF_MALFORMED', 'GetRecordingSearchResults: no ResultList');
  const recordings = children(list, 'RecordingInformation').map((info): EdgeRecording => {
    const source = children(info, 'Source')[0];
    return {
      token: text(info, 'RecordingToken') ?? '',
      sourceName: source ? text(source, 'Name') : undefined,
      earliest: parseOnvifTime(text(info, 'EarliestRecording')),
      latest: parseOnvifTime(text(info, 'LatestRecording')),
      status: children(info, 'RecordingStatus')[0]?.textContent?.trim(),
      tracks: children(info, 'Track').map((t) => ({
        token: text(t, 'TrackToken') ?? '',
        type: text(t, 'TrackType') ?? 'Unknown',
        dataTo: parseOnvifTime(text(t, 'DataTo')),
      })),
    };
  });
  return { state: children(list, 'SearchState')[0]?.textContent?.trim(), recordings };
}

/** The newest moment the camera says it holds video for: the figure that must keep advancing. */
export function latestVideoWrite(results: RecordingSearchResults): number | undefined {
  let latest: number | undefined;
  for (const r of results.recordings) {
    const video = r.tracks.filter((t) => t.type === 'Video').map((t) => t.dataTo);
    for (const at of [r.latest, ...video]) {
      if (at !== undefined && (latest === undefined || at > latest)) latest = at;
    }
  }
  return latest;
}
