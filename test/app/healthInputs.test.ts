import { describe, expect, it } from 'vitest';
import {
  interrogationDetail,
  interrogationSample,
  onvifUnreachable,
  withInterrogation,
} from '../../src/app/healthInputs.js';
import type { WhyDoc } from '../../src/health/whyReport.js';
import { onvifRecord } from './helpers/onvifRecord.js';

const TIMEOUT = { code: 'ONVIF_TIMEOUT', message: '127.0.0.9:8080: no answer within 4000 ms' };

const record = onvifRecord;

describe('onvifUnreachable: an ONVIF timeout is "unreachable" only when the camera never answered', () => {
  it('a camera that answered nothing, with no stream URI, is unreachable', () => {
    expect(onvifUnreachable(record({ problem: TIMEOUT }))).toBe(true);
    // Blank identity fields are nothing learnt.
    expect(onvifUnreachable(record({ problem: TIMEOUT, manufacturer: ' ', model: '' }))).toBe(true);
  });

  it.each([
    ['manufacturer', { manufacturer: 'Hikvision' }],
    ['model', { model: 'DS-2CD2143G2' }],
    ['serial', { serial: 'DS2CD20231201' }],
    ['firmware', { firmware: 'V5.7.3' }],
    ['hardware id', { hardwareId: '88' }],
    ['MAC (GetNetworkInterfaces)', { mac: '00:11:22:33:44:55' }],
    ['clock (GetSystemDateAndTime)', { clockOffsetMs: -120 }],
  ])('a camera that told us its %s and then timed out (GetProfiles) is not unreachable', (_what, learnt) => {
    expect(onvifUnreachable(record({ problem: TIMEOUT, ...learnt }))).toBe(false);
  });

  it('a stream URI to watch, another problem, or no problem: the stream decides, never this rule', () => {
    const profile = { token: 'p1', name: 'main', rtspUrl: 'rtsp://127.0.0.9/1', role: 'main' as const };
    expect(onvifUnreachable(record({ problem: TIMEOUT, profiles: [profile] }))).toBe(false);
    expect(onvifUnreachable(record({ problem: { code: 'ONVIF_MALFORMED', message: 'x' } }))).toBe(false);
    expect(onvifUnreachable(record())).toBe(false);
  });
});

describe('the interrogation problem as why evidence', () => {
  const doc = (detail?: string): WhyDoc => ({
    found: true,
    cameraId: 'cam-1',
    source: 'daemon',
    status: 'unknown',
    reasons: ['not yet observed'],
    transitions: [],
    evidence: { detail },
  });

  it('is added to the evidence, after the stream detail, once', () => {
    const problem = interrogationDetail(record({ problem: TIMEOUT }));
    expect(problem).toBe(`onvif ONVIF_TIMEOUT: ${TIMEOUT.message}`);
    expect(withInterrogation(doc(), problem).evidence?.detail).toBe(problem);
    expect(withInterrogation(doc('ECONNRESET'), problem).evidence?.detail).toBe(`ECONNRESET; ${problem}`);
    // The unreachable sample already carries the message: not said twice.
    const said = `onvif ${TIMEOUT.message}`;
    expect(withInterrogation(doc(said), problem).evidence?.detail).toBe(said);
    expect(withInterrogation(doc('x'), interrogationDetail(record()))).toEqual(doc('x'));
  });
});

describe('interrogationSample: what the last interrogation proves to the health machine', () => {
  const AUTH = { code: 'ONVIF_AUTH', message: 'GetProfiles: HTTP 401, Digest refused' };

  it('a refused call is unauthorized with the call named; a camera that never answered is unreachable', () => {
    expect(interrogationSample(record({ problem: AUTH }), 'unknown')).toEqual({
      type: 'sample',
      kind: 'unauthorized',
      detail: AUTH.message,
      call: 'onvif GetProfiles',
    });
    expect(interrogationSample(record({ problem: TIMEOUT }), undefined)).toEqual({
      type: 'sample',
      kind: 'unreachable',
      detail: `onvif ${TIMEOUT.message}`,
    });
  });

  it('nothing for a camera that answered then timed out (it stays not yet seen), or while video flows', () => {
    expect(
      interrogationSample(record({ problem: TIMEOUT, model: 'DS-2CD2143G2' }), 'unknown'),
    ).toBeUndefined();
    expect(interrogationSample(record({ problem: AUTH }), 'online')).toBeUndefined();
    expect(interrogationSample(record({ problem: TIMEOUT }), 'degraded')).toBeUndefined();
    expect(interrogationSample(record(), 'offline')).toBeUndefined();
  });
});
