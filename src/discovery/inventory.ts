import { configEntryFor } from '../config/cameraEntry.js';
import type { CameraConfig } from '../config/schema.js';
import type { CameraClass, CameraRecord } from '../shared/types.js';
import type { Interrogation } from './interrogate.js';

/**
 * Inventory logic, pure: previous records + this sweep's interrogations → next records + events.
 * The repository persists the result; the service emits the events.
 */
export interface StoredCamera {
  readonly record: CameraRecord;
  readonly missedSweeps: number;
  readonly removed: boolean;
}

export interface InventoryEvent {
  readonly type: 'camera.added' | 'camera.replaced' | 'camera.removed' | 'camera.updated';
  readonly camera: CameraRecord;
  readonly previous?: CameraRecord;
}

export interface ReconcileOptions {
  readonly cameras: readonly CameraConfig[];
  readonly nowIso: string;
  readonly missedSweepsBeforeRemoved: number;
  /** A Hello or single-camera interrogation: cameras not in `found` are not counted as missed. */
  readonly partial?: boolean;
}

/** Stable id: config id, else from the MAC (`cam-001122334455`), else the EndpointReference, else the address. */
export function cameraIdFor(i: Interrogation, cameras: readonly CameraConfig[]): string {
  const entry = configEntryFor({ address: i.target.address, serial: i.info.serial, mac: i.mac }, cameras);
  if (entry?.id) return entry.id;
  if (i.mac) return `cam-${i.mac.replace(/:/g, '')}`;
  const epr = i.target.endpointRef?.replace(/^urn:uuid:|^uuid:/i, '').replace(/[^A-Za-z0-9._-]/g, '-');
  if (epr) return `cam-${epr}`.slice(0, 64);
  return `cam-ip-${i.target.address.replace(/\./g, '-')}`;
}

export function toRecord(i: Interrogation, id: string, firstSeenAt: string, nowIso: string): CameraRecord {
  return {
    id,
    address: i.target.address,
    source: 'onvif',
    endpointRef: i.target.endpointRef,
    xaddr: i.target.xaddr,
    ...i.info,
    mac: i.mac,
    class: i.classification.class,
    ptz: i.classification.ptz,
    classConfidence: i.classification.confidence,
    classEvidence: i.classification.evidence,
    profiles: i.profiles,
    snapshotUri: i.snapshotUri,
    clockOffsetMs: i.clockOffsetMs,
    problem: i.problem,
    firstSeenAt,
    lastSeenAt: nowIso,
  };
}

export function reconcile(
  previous: readonly StoredCamera[],
  found: readonly Interrogation[],
  options: ReconcileOptions,
): { next: StoredCamera[]; events: InventoryEvent[] } {
  const prevById = new Map(previous.map((p) => [p.record.id, p]));
  const events: InventoryEvent[] = [];
  const seen = new Map<string, StoredCamera>();
  for (const i of found) {
    let id = stableId(previous, i, cameraIdFor(i, options.cameras), options.cameras);
    // Two units sharing one EndpointReference (DVC, corpus ProbeMatchesSharedEndpoint*) must not collapse.
    if (seen.has(id) && seen.get(id)?.record.address !== i.target.address)
      id = `${id}-${i.target.address.replace(/\./g, '-')}`.slice(0, 64);
    const before = prevById.get(id) ?? sameAddress(previous, i.target.address, seen);
    const active = before && !before.removed ? before : undefined;
    let record = toRecord(i, id, active?.record.firstSeenAt ?? options.nowIso, options.nowIso);
    // A camera that did not answer this time keeps what we knew about it, plus the problem.
    if (i.problem && active && active.record.id === id)
      record = { ...active.record, address: record.address, problem: i.problem, lastSeenAt: options.nowIso };
    // A clock read that faulted this time (interrogate.ts goes on without it) says nothing new: the
    // edge verdict would otherwise read the camera's raw clock, and one behind ours looks stale.
    const prior = active?.record;
    if (record.clockOffsetMs === undefined && prior?.clockOffsetMs !== undefined && sameDevice(prior, record))
      record = { ...record, clockOffsetMs: prior.clockOffsetMs };
    seen.set(id, { record, missedSweeps: 0, removed: false });
    const event = changeEvent(active?.record, record);
    if (event) events.push(event);
  }
  const next = [...seen.values()];
  for (const p of previous) {
    if (seen.has(p.record.id)) continue;
    if (p.removed) {
      next.push(p);
      continue;
    }
    if (events.some((e) => e.type === 'camera.replaced' && e.previous?.id === p.record.id)) {
      next.push({ ...p, removed: true });
      continue;
    }
    if (options.partial) {
      next.push(p);
      continue;
    }
    const missed = p.missedSweeps + 1;
    const removed = missed >= options.missedSweepsBeforeRemoved;
    next.push({ record: p.record, missedSweeps: missed, removed });
    if (removed) events.push({ type: 'camera.removed', camera: p.record });
  }
  return { next, events };
}

/**
 * A camera that refused our credentials was listed without MAC or serial (GetNetworkInterfaces and
 * GetDeviceInformation need them), so under its EndpointReference or address id. Once the password
 * is corrected it must keep that id, or its history and the centre's view of it would move to a
 * "new" camera (issue #12). The same goes for every later sweep: the unit at the same address with
 * the same MAC or serial keeps the id it was first listed under. A config id always wins.
 */
function stableId(
  previous: readonly StoredCamera[],
  i: Interrogation,
  computed: string,
  cameras: readonly CameraConfig[],
): string {
  if (previous.some((p) => p.record.id === computed && !p.removed)) return computed;
  if (configEntryFor({ address: i.target.address, serial: i.info.serial, mac: i.mac }, cameras)?.id)
    return computed;
  const prior = previous.find((p) => !p.removed && p.record.address === i.target.address)?.record;
  if (!prior) return computed;
  const same = (a?: string, b?: string): boolean =>
    a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
  const identified = prior.mac !== undefined || prior.serial !== undefined;
  if (same(prior.mac, i.mac) || same(prior.serial, i.info.serial)) return prior.id;
  return !identified && prior.problem?.code === 'ONVIF_AUTH' ? prior.id : computed;
}

/** The same unit as before: same id and no differing serial or MAC (a replacement's clock is its own). */
function sameDevice(before: CameraRecord, after: CameraRecord): boolean {
  return changeEvent(before, after)?.type !== 'camera.replaced';
}

/** A previous active camera at this address not claimed by another camera in this sweep. */
function sameAddress(
  previous: readonly StoredCamera[],
  address: string,
  seen: Map<string, StoredCamera>,
): StoredCamera | undefined {
  return previous.find((p) => !p.removed && p.record.address === address && !seen.has(p.record.id));
}

function changeEvent(before: CameraRecord | undefined, after: CameraRecord): InventoryEvent | undefined {
  if (!before) return { type: 'camera.added', camera: after };
  const differs = (a?: string, b?: string): boolean =>
    a !== undefined && b !== undefined && a.toLowerCase() !== b.toLowerCase();
  if (before.id !== after.id || differs(before.serial, after.serial) || differs(before.mac, after.mac)) {
    return { type: 'camera.replaced', camera: after, previous: before };
  }
  const key = (r: CameraRecord): string =>
    JSON.stringify([
      r.address,
      r.class,
      r.ptz,
      r.model,
      r.firmware,
      r.profiles.map((p) => p.rtspUrl),
      r.problem?.code,
    ]);
  return key(before) === key(after) ? undefined : { type: 'camera.updated', camera: after, previous: before };
}

export type ClassCounts = Record<CameraClass, { installed: number; planned: number }>;

/** Installed (active, in inventory) vs planned (`site.planned`) per class. */
export function classCounts(
  records: readonly CameraRecord[],
  planned?: Partial<Record<CameraClass, number>>,
): ClassCounts {
  const count = (c: CameraClass) => ({
    installed: records.filter((r) => r.class === c).length,
    planned: planned?.[c] ?? 0,
  });
  return { overview: count('overview'), panoramic: count('panoramic'), lpr: count('lpr') };
}
