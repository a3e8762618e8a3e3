import { describe, expect, it } from 'vitest';
import type { Interrogation } from '../../src/discovery/interrogate.js';
import { cameraIdFor, classCounts, reconcile, type StoredCamera } from '../../src/discovery/inventory.js';
import { silentLog } from '../../src/shared/log.js';
import { InventoryRepo } from '../../src/store/inventoryRepo.js';
import { Store } from '../../src/store/store.js';

function found(
  address: string,
  over: Partial<Interrogation> = {},
  info: Interrogation['info'] = {},
): Interrogation {
  return {
    target: {
      address,
      xaddr: `http://${address}/onvif/device_service`,
      endpointRef: `urn:uuid:epr-${address}`,
      via: 'multicast',
    },
    info: { manufacturer: 'HIKVISION', model: 'DS-2CD2143G2-I', serial: `SN-${address}`, ...info },
    mac: `00:11:22:33:44:${address.split('.').pop()?.padStart(2, '0')}`,
    profiles: [{ token: 'p1', name: 'main', rtspUrl: `rtsp://${address}/1`, role: 'main' }],
    classification: { class: 'overview', ptz: false, confidence: 0.6, evidence: ['x'] },
    ...over,
  };
}

const opts = (nowIso: string) => ({ cameras: [], nowIso, missedSweepsBeforeRemoved: 2 });

describe('reconcile', () => {
  it('adds new cameras with ids from the MAC', () => {
    const { next, events } = reconcile([], [found('10.0.0.1')], opts('t1'));
    expect(events.map((e) => [e.type, e.camera.id])).toEqual([['camera.added', 'cam-001122334401']]);
    expect(next[0]?.record.firstSeenAt).toBe('t1');
  });

  it('quiet when nothing changed; updated when a stream URL changed', () => {
    const first = reconcile([], [found('10.0.0.1')], opts('t1')).next;
    expect(reconcile(first, [found('10.0.0.1')], opts('t2')).events).toEqual([]);
    const changed = found('10.0.0.1', {
      profiles: [{ token: 'p1', name: 'main', rtspUrl: 'rtsp://10.0.0.1/2', role: 'main' }],
    });
    const { events, next } = reconcile(first, [changed], opts('t2'));
    expect(events.map((e) => e.type)).toEqual(['camera.updated']);
    expect(next[0]?.record.firstSeenAt).toBe('t1');
  });

  it('removes a camera only after missedSweepsBeforeRemoved missed sweeps', () => {
    let state: StoredCamera[] = reconcile([], [found('10.0.0.1'), found('10.0.0.2')], opts('t1')).next;
    const r1 = reconcile(state, [found('10.0.0.1')], opts('t2'));
    expect(r1.events).toEqual([]);
    state = r1.next;
    const r2 = reconcile(state, [found('10.0.0.1')], opts('t3'));
    expect(r2.events.map((e) => [e.type, e.camera.address])).toEqual([['camera.removed', '10.0.0.2']]);
    expect(r2.next.find((c) => c.record.address === '10.0.0.2')?.removed).toBe(true);
    // and it comes back as added
    expect(
      reconcile(r2.next, [found('10.0.0.1'), found('10.0.0.2')], opts('t4')).events.map((e) => e.type),
    ).toEqual(['camera.added']);
  });

  it('a swapped camera at the same address is camera.replaced (new MAC → new id)', () => {
    const state = reconcile([], [found('10.0.0.1')], opts('t1')).next;
    const swapped = found('10.0.0.1', { mac: '00:aa:bb:cc:dd:ee' }, { serial: 'NEW-SERIAL' });
    const { events, next } = reconcile(state, [swapped], opts('t2'));
    expect(events.map((e) => [e.type, e.camera.id, e.previous?.id])).toEqual([
      ['camera.replaced', 'cam-00aabbccddee', 'cam-001122334401'],
    ]);
    expect(next.find((c) => c.record.id === 'cam-001122334401')?.removed).toBe(true);
  });

  it('a swapped camera behind a configured id is camera.replaced (serial changed, same id)', () => {
    const cameras = [{ id: 'gate-1', address: '10.0.0.1', onvifPort: 80 }];
    const state = reconcile([], [found('10.0.0.1')], { ...opts('t1'), cameras }).next;
    const { events } = reconcile(
      state,
      [found('10.0.0.1', { mac: '00:aa:bb:cc:dd:ee' }, { serial: 'NEW' })],
      {
        ...opts('t2'),
        cameras,
      },
    );
    expect(events.map((e) => [e.type, e.camera.id, e.previous?.serial, e.camera.serial])).toEqual([
      ['camera.replaced', 'gate-1', 'SN-10.0.0.1', 'NEW'],
    ]);
  });

  it('two units sharing one EndpointReference and no MAC stay two cameras (DVC ProbeMatchesSharedEndpoint)', () => {
    const a = found('192.0.2.10', { mac: undefined });
    const b = found('192.0.2.14', { mac: undefined });
    const shared = 'urn:uuid:00000000-0000-4000-8000-000000000003';
    const both = [a, b].map((x) => ({ ...x, target: { ...x.target, endpointRef: shared } }));
    const { next } = reconcile([], both, opts('t1'));
    expect(new Set(next.map((c) => c.record.id)).size).toBe(2);
  });

  it('a camera that fails interrogation keeps what we knew, plus the problem', () => {
    const state = reconcile([], [found('10.0.0.1')], opts('t1')).next;
    const failing = found(
      '10.0.0.1',
      { profiles: [], problem: { code: 'ONVIF_TIMEOUT', message: 'hang' } },
      { serial: undefined },
    );
    const { next, events } = reconcile(state, [failing], opts('t2'));
    expect(next[0]?.record.profiles.length).toBe(1);
    expect(next[0]?.record.problem?.code).toBe('ONVIF_TIMEOUT');
    expect(events.map((e) => e.type)).toEqual(['camera.updated']);
  });

  it('field bug: a clock read that faulted wiped a good clock offset (edge recording then looked stale)', () => {
    const state = reconcile([], [found('10.0.0.1', { clockOffsetMs: -90_000 })], opts('t1')).next;
    // Interrogation otherwise fine, GetSystemDateAndTime faulted: no clockOffsetMs this sweep.
    const { next, events } = reconcile(state, [found('10.0.0.1')], opts('t2'));
    expect(next[0]?.record.clockOffsetMs).toBe(-90_000);
    expect(next[0]?.record.lastSeenAt).toBe('t2');
    expect(events).toEqual([]);
    // A new measurement still replaces it.
    const remeasured = reconcile(next, [found('10.0.0.1', { clockOffsetMs: 1_500 })], opts('t3')).next;
    expect(remeasured[0]?.record.clockOffsetMs).toBe(1_500);
  });

  it('a replacement unit at the same address does not inherit the clock offset of the unit it replaced', () => {
    const state = reconcile([], [found('10.0.0.1', { clockOffsetMs: -90_000 })], opts('t1')).next;
    const replacement = found('10.0.0.1', {}, { serial: 'SN-NEW' });
    const { next, events } = reconcile(state, [replacement], opts('t2'));
    expect(events.map((e) => e.type)).toEqual(['camera.replaced']);
    expect(next[0]?.record.clockOffsetMs).toBeUndefined();
  });

  it('ids: config id by serial, else MAC, else EndpointReference, else address', () => {
    expect(cameraIdFor(found('10.0.0.1'), [{ id: 'yard', serial: 'SN-10.0.0.1', onvifPort: 80 }])).toBe(
      'yard',
    );
    expect(cameraIdFor(found('10.0.0.1', { mac: undefined }), [])).toBe('cam-epr-10.0.0.1');
    const bare = found('10.0.0.1', { mac: undefined });
    expect(cameraIdFor({ ...bare, target: { ...bare.target, endpointRef: undefined } }, [])).toBe(
      'cam-ip-10-0-0-1',
    );
  });

  it('classCounts: installed vs planned', () => {
    const recs = reconcile([], [found('10.0.0.1'), found('10.0.0.2')], opts('t')).next.map((c) => c.record);
    expect(classCounts(recs, { overview: 12, panoramic: 2, lpr: 10 })).toEqual({
      overview: { installed: 2, planned: 12 },
      panoramic: { installed: 0, planned: 2 },
      lpr: { installed: 0, planned: 10 },
    });
  });
});

describe('InventoryRepo (SQLite)', () => {
  it('round-trips records, missed sweeps and removal', () => {
    const store = Store.open({ dir: ':memory:', log: silentLog() });
    const repo = new InventoryRepo(store.db);
    const state = reconcile([], [found('10.0.0.1'), found('10.0.0.2')], opts('t1')).next;
    repo.saveAll(state, 't1');
    expect(repo.all()).toEqual(state);
    const after = reconcile(repo.all(), [found('10.0.0.1')], {
      ...opts('t2'),
      missedSweepsBeforeRemoved: 1,
    }).next;
    repo.saveAll(after, 't2');
    expect(repo.active().map((r) => r.address)).toEqual(['10.0.0.1']);
    expect(repo.all().find((c) => c.record.address === '10.0.0.2')).toMatchObject({
      removed: true,
      missedSweeps: 1,
    });
    store.close();
  });
});

describe('a camera first listed while it refused our credentials (issue #12)', () => {
  const refused = (address: string) =>
    found(
      address,
      {
        mac: undefined,
        profiles: [],
        problem: { code: 'ONVIF_AUTH', message: 'GetDeviceInformation: HTTP 401, credentials refused' },
      },
      { manufacturer: undefined, model: undefined, serial: undefined },
    );

  it('keeps its id once the password is fixed and every sweep after, history stays with it', () => {
    const first = reconcile([], [refused('10.0.0.7')], opts('t1'));
    expect(first.events.map((e) => [e.type, e.camera.id])).toEqual([['camera.added', 'cam-epr-10.0.0.7']]);
    const fixed = reconcile(first.next, [found('10.0.0.7')], opts('t2'));
    expect(fixed.events.map((e) => [e.type, e.camera.id])).toEqual([['camera.updated', 'cam-epr-10.0.0.7']]);
    expect(fixed.next[0]?.record).toMatchObject({ mac: '00:11:22:33:44:07', firstSeenAt: 't1' });
    expect(fixed.next[0]?.record.problem).toBeUndefined();
    expect(reconcile(fixed.next, [found('10.0.0.7')], opts('t3')).events).toEqual([]);
  });

  it('a different unit at that address is still a replacement', () => {
    const known = reconcile([], [found('10.0.0.8')], opts('t1')).next;
    const other = found('10.0.0.8', { mac: '00:11:22:33:44:99' }, { serial: 'SN-OTHER' });
    const { events } = reconcile(known, [other], opts('t2'));
    expect(events.map((e) => e.type)).toEqual(['camera.replaced']);
  });
});
