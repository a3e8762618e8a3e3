import { describe, expect, it } from 'vitest';
import { integrationOf } from '../../src/health/integration.js';
import {
  causeInfo,
  DEGRADED_REASON_TABLE,
  degradedReasonInfo,
  firstCause,
  INTEGRATION_CAUSE_TABLE,
  INTEGRATION_CAUSES,
  UPLINK_OUTAGE_CAUSES,
} from '../../src/shared/causes.js';
import { LPR_NO_READS } from '../../src/shared/types.js';
import { cameraStatePayload } from '../../src/uplink/payloads.js';

describe('the cause table (issue #12: one definition)', () => {
  it('lists the chain camera → stream → picture → recording → uplink in order, stream_refused and not_yet_seen included', () => {
    expect(INTEGRATION_CAUSES).toEqual([
      'camera_offline',
      'unauthorized',
      'stream_refused',
      'stream_stalled',
      'not_yet_seen',
      'picture_degraded',
      'recording_stale',
      'uplink_down',
    ]);
    expect(UPLINK_OUTAGE_CAUSES).toEqual(['broker_unreachable', 'refused', 'tls_failure', 'centre_offline']);
  });

  it('gives every cause a one-line explanation and a next step', () => {
    for (const cause of [...INTEGRATION_CAUSES, ...UPLINK_OUTAGE_CAUSES]) {
      const info = causeInfo(cause);
      expect(info?.explanation, cause).toMatch(/\w{3}/);
      expect(info?.nextStep, cause).toMatch(/\w{3}/);
      expect(info?.explanation, cause).not.toContain('\n');
    }
    expect(causeInfo('no_such_cause')).toBeUndefined();
    expect(causeInfo('toString')).toBeUndefined();
  });

  it('is the MQTT schema enum of camera-state cause', () => {
    const shape = cameraStatePayload.shape.cause.unwrap();
    expect(shape.options).toEqual(INTEGRATION_CAUSES);
  });

  it('picks the first broken link by the table order', () => {
    expect(firstCause(new Set(['uplink_down', 'recording_stale']))).toBe('recording_stale');
    // No video seen yet: "recording stale" or "the camera is fine but the uplink is down" would be claims without evidence.
    expect(firstCause(new Set(['uplink_down', 'recording_stale', 'not_yet_seen']))).toBe('not_yet_seen');
    expect(INTEGRATION_CAUSE_TABLE.not_yet_seen.link).toBe('stream');
    expect(firstCause(new Set())).toBeUndefined();
    const stalledNoUplink = integrationOf({
      status: 'offline',
      reasons: ['stream_stalled'],
      recording: 'stale',
      uplinkUp: false,
    });
    expect(stalledNoUplink).toEqual({ integrated: false, cause: 'stream_stalled' });
    expect(integrationOf({ status: 'online', reasons: [], recording: 'stale', uplinkUp: false }).cause).toBe(
      'recording_stale',
    );
  });
});

describe('degraded reasons (issue #17)', () => {
  it('lpr_no_reads is explained, with or without figures after the token; a cause is not a degraded reason', () => {
    expect(degradedReasonInfo(LPR_NO_READS)?.explanation).toMatch(/read plates/);
    expect(degradedReasonInfo(`${LPR_NO_READS} 3`)).toBe(DEGRADED_REASON_TABLE.lpr_no_reads);
    expect(degradedReasonInfo('camera_offline')).toBeUndefined();
    expect(Object.keys(DEGRADED_REASON_TABLE).filter((r) => causeInfo(r) !== undefined)).toEqual([]);
  });
});
