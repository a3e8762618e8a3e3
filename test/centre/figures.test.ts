import { describe, expect, it } from 'vitest';
import { computeFigure } from '../../src/centre/figures.js';
import type { CameraView, GatewayView, Picture } from '../../src/centre/model.js';
import { parseRegistryCsv } from '../../src/centre/registry.js';
import { REGISTRY_HEAD } from './helpers.js';

const AT = '2026-03-07T12:00:00.000Z';
const registry = parseRegistryCsv(
  [
    REGISTRY_HEAD,
    'a,A,North,N1,school,2,0,1,TelA,2026-03-01,X', // lost, contract expired on 1 March
    'b,B,North,N1,school,1,0,0,TelA,2026-03-20,X', // lost, contract still valid (ends in 13 days)
    'c,C,North,N2,street,1,0,0,,,', // online, all cameras unauthorized
    'd,D,South,S1,street,1,0,0,,,', // online, recording stale
    'e,E,South,S1,school,2,0,0,,,', // online, mixed camera causes
    'f,F,South,S1,school,1,0,0,,,', // online, no cameras
    'g,G,South,S2,crossing,1,1,0,,,', // fully integrated
    'h,H,South,S2,crossing,2,0,0,,2026-05-01,', // integrated, not fully (1 of 2)
  ].join('\n'),
);

const gw = (
  siteId: string,
  state: GatewayView['state'],
  since = '2026-03-05T08:00:00.000Z',
): GatewayView => ({
  gatewayId: `gw-${siteId}`,
  siteId,
  state,
  since,
  lastSeen: since,
});
const cam = (
  siteId: string,
  id: string,
  integrated: boolean,
  cause: string | null,
  cls: CameraView['class'] = 'overview',
): CameraView => ({
  gatewayId: `gw-${siteId}`,
  siteId,
  cameraId: id,
  class: cls,
  status:
    integrated || cause === 'recording_stale'
      ? 'online'
      : cause === 'unauthorized'
        ? 'unauthorized'
        : 'offline',
  integrated,
  cause,
  recordingStatus: cause === 'recording_stale' ? 'stale' : 'ok',
  since: AT,
});

const picture: Picture = {
  at: AT,
  gateways: ['a', 'b']
    .map((s) => gw(s, 'lost'))
    .concat(['c', 'd', 'e', 'f', 'g', 'h', 'zz'].map((s) => gw(s, 'online'))),
  cameras: [
    cam('a', 'a1', true, null), // retained state says integrated, but the gateway is lost
    cam('c', 'c1', false, 'unauthorized'),
    cam('d', 'd1', false, 'recording_stale'),
    cam('e', 'e1', false, 'camera_offline'),
    cam('e', 'e2', false, 'stream_refused'),
    cam('g', 'g1', true, null),
    cam('g', 'g2', true, null, 'panoramic'),
    cam('h', 'h1', true, null),
    cam('zz', 'z1', true, null),
  ],
};

describe('computeFigure', () => {
  const f = computeFigure(registry, picture, { contractWarningDays: 30 });
  const site = (id: string) => f.sites.find((s) => s.siteId === id)!;

  it('gives every site that is not integrated one cause with evidence', () => {
    expect(site('a')).toMatchObject({
      cause: 'contract_expired',
      evidence:
        'gateway gw-a lost since 2026-03-05T08:00:00.000Z; comms contract with TelA expired on 2026-03-01',
    });
    expect(site('b')).toMatchObject({
      cause: 'gateway_lost',
      evidence: 'gateway gw-b lost since 2026-03-05T08:00:00.000Z',
    });
    expect(site('c').cause).toBe('unauthorized');
    expect(site('d').cause).toBe('recording_stale');
    expect(site('e')).toMatchObject({
      cause: 'cameras_down',
      cameraCauses: { camera_offline: 1, stream_refused: 1 },
    });
    expect(site('f').cause).toBe('no_cameras');
    expect(site('g')).toMatchObject({ integrated: true, fullyIntegrated: true, cause: null });
    expect(site('h')).toMatchObject({ integrated: true, fullyIntegrated: false, cause: null });
    expect(site('a').cameras.integrated.total).toBe(0);
  });

  it('aggregates per region, district, kind and nationally, causes ranked', () => {
    expect(f.national).toMatchObject({ sites: 8, sitesIntegrated: 2, sitesFullyIntegrated: 1, pct: 25 });
    expect(f.national.cameras.planned).toEqual({ overview: 11, panoramic: 1, lpr: 1, total: 13 });
    expect(f.national.cameras.installed.total).toBe(8);
    expect(f.national.cameras.integrated).toEqual({ overview: 2, panoramic: 1, lpr: 0, total: 3 });
    const south = f.regions.find((r) => r.key === 'South')!;
    expect(south).toMatchObject({ sites: 5, sitesIntegrated: 2, pct: 40 });
    expect(south.causes).toEqual([
      { cause: 'cameras_down', sites: 1 },
      { cause: 'no_cameras', sites: 1 },
      { cause: 'recording_stale', sites: 1 },
    ]);
    expect(f.districts.map((d) => d.key)).toEqual(['North / N1', 'North / N2', 'South / S1', 'South / S2']);
    expect(f.kinds.find((k) => k.key === 'crossing')).toMatchObject({ sites: 2, sitesIntegrated: 2 });
  });

  it('lists unregistered sites and contracts ending within N days, expired first', () => {
    expect(f.unregistered).toEqual([{ siteId: 'zz', gateways: [gw('zz', 'online')], cameras: 1 }]);
    expect(f.contracts.map((c) => [c.siteId, c.daysLeft])).toEqual([
      ['a', -6],
      ['b', 13],
    ]);
  });
});

describe('computeFigure: cameras not yet seen', () => {
  const reg = parseRegistryCsv(
    [
      REGISTRY_HEAD,
      'n,N,West,W1,school,2,0,0,,,', // gateway online, no verdict on its cameras yet
      'o,O,West,W1,school,1,0,0,,,', // an 0.5 gateway: unknown published as camera_offline
      'p,P,West,W1,school,2,0,0,,,', // one camera not yet seen, one really offline
    ].join('\n'),
  );
  const unseen = (siteId: string, id: string, cause: string): CameraView => ({
    ...cam(siteId, id, false, cause),
    status: 'unknown',
  });
  const f = computeFigure(
    reg,
    {
      at: AT,
      gateways: ['n', 'o', 'p'].map((s) => gw(s, 'online')),
      cameras: [
        unseen('n', 'n1', 'not_yet_seen'),
        unseen('n', 'n2', 'not_yet_seen'),
        unseen('o', 'o1', 'camera_offline'),
        unseen('p', 'p1', 'not_yet_seen'),
        cam('p', 'p2', false, 'camera_offline'),
      ],
    },
    { contractWarningDays: 30 },
  );
  const site = (id: string) => f.sites.find((s) => s.siteId === id)!;

  it('a site whose cameras have no verdict yet is not integrated, and not "cameras down"', () => {
    expect(site('n')).toMatchObject({
      integrated: false,
      cause: 'cameras_not_yet_seen',
      evidence: 'gateway online, no verdict on its cameras yet: not_yet_seen ×2',
      cameraCauses: { not_yet_seen: 2 },
    });
    expect(site('n').cameras.working.total).toBe(0);
  });

  it('an older gateway’s unknown camera published as camera_offline counts as not yet seen', () => {
    expect(site('o')).toMatchObject({ cause: 'cameras_not_yet_seen', cameraCauses: { not_yet_seen: 1 } });
  });

  it('a camera really offline beside one not yet seen: cameras_down, both causes listed', () => {
    expect(site('p')).toMatchObject({
      cause: 'cameras_down',
      cameraCauses: { camera_offline: 1, not_yet_seen: 1 },
    });
    expect(f.national).toMatchObject({ sites: 3, sitesIntegrated: 0, pct: 0 });
  });
});
