import { normaliseMac } from '../shared/mac.js';
import type { CameraConfig } from './schema.js';

/** What a camera is known by when its `cameras:` entry is looked up (a `CameraRecord` has all of it). */
export interface CameraFacts {
  readonly id?: string;
  readonly address?: string;
  readonly serial?: string;
  readonly mac?: string;
}

/**
 * The `cameras:` entry that configures a camera (class, record, recordProfile, monitor, ...): the
 * one rule for discovery, streams, snapshots, recording and reports. Matched by id, then serial,
 * then MAC (any separators, any case: `00-1C-27-…` is `00:1c:27:…`), then address; the first rule
 * that finds an entry wins, and within a rule the first entry in the file. A plain RTSP entry
 * without an id is found by the id its camera was given (`staticCameraId`).
 *
 * Three matchers used to disagree: the stream monitor compared MACs without normalising them (an
 * override written `00-11-22-…` missed the monitor) and recording matched id or address only (a
 * `record:` on an entry matched by serial was ignored).
 */
export function configEntryFor(
  camera: CameraFacts,
  entries: readonly CameraConfig[],
): CameraConfig | undefined {
  const index = indexOf(entries);
  const mac = normaliseMac(camera.mac);
  return (
    (camera.id === undefined ? undefined : index.byId.get(camera.id)) ??
    (camera.serial === undefined ? undefined : index.bySerial.get(camera.serial)) ??
    (mac === undefined ? undefined : index.byMac.get(mac)) ??
    (camera.address === undefined ? undefined : index.byAddress.get(camera.address))
  );
}

/**
 * The id of the camera a plain RTSP entry declares: its own `id`, else one made from the URL
 * (`rtspCameraId`); undefined for an entry that is not a camera by itself (an ONVIF address, an
 * override) or whose URL does not parse.
 */
export function staticCameraId(entry: Pick<CameraConfig, 'id' | 'rtsp'>): string | undefined {
  if (!entry.rtsp) return undefined;
  if (entry.id !== undefined) return entry.id;
  return URL.canParse(entry.rtsp) ? rtspCameraId(new URL(entry.rtsp)) : undefined;
}

/** `rtsp://10.0.0.41/stream1` → `rtsp-10-0-0-41-554`: the id of a plain RTSP camera given none. */
export function rtspCameraId(url: URL): string {
  return `rtsp-${url.hostname.replace(/[^A-Za-z0-9]/g, '-')}-${url.port || '554'}`;
}

interface EntryIndex {
  readonly size: number;
  readonly byId: Map<string, CameraConfig>;
  readonly bySerial: Map<string, CameraConfig>;
  readonly byMac: Map<string, CameraConfig>;
  readonly byAddress: Map<string, CameraConfig>;
}

/**
 * One index per entry list (the validated config is frozen): 1,024 cameras looked up against as
 * many entries on every sweep would otherwise scan the list, normalising MACs, a million times.
 */
const indexes = new WeakMap<readonly CameraConfig[], EntryIndex>();

function indexOf(entries: readonly CameraConfig[]): EntryIndex {
  const known = indexes.get(entries);
  if (known && known.size === entries.length) return known;
  const index: EntryIndex = {
    size: entries.length,
    byId: new Map(),
    bySerial: new Map(),
    byMac: new Map(),
    byAddress: new Map(),
  };
  const add = (map: Map<string, CameraConfig>, key: string | undefined, entry: CameraConfig): void => {
    if (key !== undefined && !map.has(key)) map.set(key, entry);
  };
  for (const entry of entries) {
    add(index.byId, entry.id ?? staticCameraId(entry), entry);
    add(index.bySerial, entry.serial, entry);
    add(index.byMac, normaliseMac(entry.mac), entry);
    add(index.byAddress, entry.address, entry);
  }
  indexes.set(entries, index);
  return index;
}
