import { parseConfigText } from '../../src/config/load.js';
import { silentLog } from '../../src/shared/log.js';
import type { CameraClass } from '../../src/shared/types.js';
import { InventoryChangeRepo } from '../../src/store/inventoryChangeRepo.js';
import { Store } from '../../src/store/store.js';

/** 1 Jan 2026 (UTC) plus hours: the report window in these tests is that whole day. */
export const H = 3_600_000;
export const DAY0 = Date.UTC(2026, 0, 1);
export const at = (hours: number): number => DAY0 + hours * H;
export const iso = (hours: number): string => new Date(at(hours)).toISOString();

/**
 * A hand-built site database. Expected figures (window = 1 Jan, 24 h):
 * - boots: watched until 12:00, reboot gap 12:00-14:00 (unknown), watched again from 14:00.
 * - maintenance for every camera 20:00-22:00.
 * - cam-a (overview): stream down 02-03 (restored, 1 h) and 11-12 (gap_reboot). 20 h known, 2 h down.
 * - cam-b (lpr, recording on): first seen 06:00, recording down 08-09. 14 h known.
 * - cam-c (panoramic): removed 12:00, stream down 10-12 ('removed'). 12 h known.
 * - cam-d (overview): open stream outage from 23:00; an outage before the window is ignored.
 * - uplink down 16-18 (breaks integration of every camera).
 * - inventory changes tracked since 30 Dec: cam-a replaced at 05:00 and 15:00, cam-b added 06:00
 *   and replaced 07:00, cam-c removed 12:00; outside the day: cam-d replaced the day before
 *   (19:00 on 31 Dec) and cam-a again at 24:00 (the window's end, excluded).
 */
export function siteStore(dir = ':memory:'): Store {
  const store = Store.open({ dir, log: silentLog() });
  const db = store.db;
  const boot = db.prepare(
    'INSERT INTO boots (boot_id, started_at, started_ms, last_alive_ms, version) VALUES (?, ?, ?, ?, ?)',
  );
  boot.run('b1', iso(-24), at(-24), at(12), 'test');
  boot.run('b2', iso(14), at(14), at(48), 'test');
  const cam = db.prepare(
    `INSERT INTO cameras (id, address, source, class, record_json, first_seen_at, last_seen_at, removed_at)
     VALUES (?, '127.0.0.1', 'static', ?, '{}', ?, ?, ?)`,
  );
  cam.run('cam-a', 'overview', iso(-720), iso(48), null);
  cam.run('cam-b', 'lpr', iso(6), iso(48), null);
  cam.run('cam-c', 'panoramic', iso(-720), iso(12), iso(12));
  cam.run('cam-d', 'overview', iso(-720), iso(48), null);
  // Every boot starts a camera unknown; its first transition is its first verdict (before it:
  // not_yet_seen, unknown time). Here each camera has one as soon as it is watched.
  const transition = db.prepare(
    `INSERT INTO transitions (camera_id, at, at_ms, from_status, to_status, reasons_json, boot_id)
     VALUES (?, ?, ?, 'unknown', 'online', '[]', ?)`,
  );
  for (const [id, hours, bootId] of [
    ['cam-a', -24, 'b1'],
    ['cam-b', 6, 'b1'],
    ['cam-c', -24, 'b1'],
    ['cam-d', -24, 'b1'],
    ['cam-a', 14, 'b2'],
    ['cam-b', 14, 'b2'],
    ['cam-d', 14, 'b2'],
  ] as const)
    transition.run(id, iso(hours), at(hours), bootId);
  const outage = db.prepare(
    `INSERT INTO outages (camera_id, kind, cause, started_at, ended_at, duration_ms, end_reason, boot_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'b1')`,
  );
  outage.run('cam-a', 'stream', 'camera_offline', iso(2), iso(3), H, 'restored');
  outage.run('cam-a', 'stream', 'stream_stalled', iso(11), iso(12), H, 'gap_reboot');
  outage.run('cam-b', 'recording', 'recording_stale', iso(8), iso(9), H, 'restored');
  outage.run('cam-c', 'stream', 'camera_offline', iso(10), iso(12), 2 * H, 'removed');
  outage.run('cam-d', 'stream', 'camera_offline', iso(-14), iso(-13), H, 'restored');
  outage.run('cam-d', 'stream', 'camera_offline', iso(23), null, null, null);
  outage.run('gw-test', 'uplink', 'uplink_down', iso(16), iso(18), 2 * H, 'restored');
  const changes = new InventoryChangeRepo(db);
  changes.markTrackingSince(iso(-48));
  const change = (type: 'added' | 'replaced' | 'removed', id: string, cls: CameraClass, hours: number) =>
    changes.record({ type, camera: { id, class: cls }, atIso: iso(hours), bootId: 'b1' });
  change('replaced', 'cam-a', 'overview', 5);
  change('replaced', 'cam-a', 'overview', 15);
  change('added', 'cam-b', 'lpr', 6);
  change('replaced', 'cam-b', 'lpr', 7);
  change('removed', 'cam-c', 'panoramic', 12);
  change('replaced', 'cam-d', 'overview', -5);
  change('replaced', 'cam-a', 'overview', 24);
  return store;
}

export const siteConfig = parseConfigText(`
site: { id: korosten-01, name: "Korosten centre", planned: { overview: 12, panoramic: 2, lpr: 10 } }
gateway: { id: gw-test }
cameras:
  - { id: cam-b, class: lpr, record: true }
maintenance:
  - { camera: "*", from: "${iso(20)}", to: "${iso(22)}" }
`);
