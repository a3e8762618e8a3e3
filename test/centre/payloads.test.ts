import { describe, expect, it } from 'vitest';
import { LightGateway } from '../../fixtures/fleet/lightGateway.js';
import { parseMessage } from '../../src/centre/payloads.js';
import { onlineCam } from './helpers.js';

/**
 * The centre reads what a newer gateway publishes (docs/mqtt.md: "Consumers must accept unknown
 * types and extra fields") at every depth: a 0.5 gateway's new nested field or enum value must not
 * get the whole camera state rejected, which would leave the camera frozen at its last state.
 */
const TOPIC = 'camgate/v1/s1/gw1/cameras/c1/state';
// Only builds payloads; never connects.
const gateway = new LightGateway({ url: 'mqtt://127.0.0.1:1', siteId: 's1', gatewayId: 'gw1', cameras: [] });
const state = (patch: (p: Record<string, unknown>) => void): Buffer => {
  const p = gateway.cameraPayload(onlineCam('c1'));
  patch(p);
  return Buffer.from(JSON.stringify(p));
};

describe('the centre reads a newer gateway camera state', () => {
  it('accepts new fields and enum values inside stream, recording, picture and lpr, and a new class and status', () => {
    const r = parseMessage(
      TOPIC,
      state((p) => {
        Object.assign(p.stream as object, { hdr: true });
        Object.assign(p.recording as object, { status: 'archived', tier: 'cold' });
        p.picture = { status: 'degraded', reasons: ['picture_smudged'], checkedAt: p.ts, score: 3 };
        p.lpr = { status: 'paused', readsLastHour: 0, topic: null, lastReadAt: null, plateRegion: 'KZ' };
        p.class = 'thermal';
        p.status = 'maintenance';
      }),
    );
    expect(r.ok ? r.item : r).toMatchObject({
      kind: 'camera',
      cameraId: 'c1',
      payload: {
        class: 'thermal',
        status: 'maintenance',
        recording: { status: 'archived', tier: 'cold' },
        picture: { reasons: ['picture_smudged'], score: 3 },
        lpr: { status: 'paused', plateRegion: 'KZ' },
      },
    });
  });

  it('still rejects what is not a camera state: a missing field, a wrong type, an enum value that is not a token', () => {
    const reasons = [
      state((p) => delete p.integrated),
      state((p) => Object.assign(p.stream as object, { fps: 'fast' })),
      state((p) => {
        p.status = 'x'.repeat(65);
      }),
      state((p) => {
        p.picture = { status: 'ok', reasons: 'none', checkedAt: null };
      }),
    ].map((payload) => {
      const r = parseMessage(TOPIC, payload);
      return r.ok ? 'accepted' : r.reason;
    });
    expect(reasons).toEqual([
      expect.stringMatching(/^integrated: /),
      expect.stringMatching(/^stream\.fps: /),
      expect.stringMatching(/^status: /),
      expect.stringMatching(/^picture\.reasons: /),
    ]);
  });

  it('accepts an unknown event type with nested extra fields, within the type bound', () => {
    const event = (type: string) =>
      Buffer.from(
        JSON.stringify({
          eventId: '01JZZZZZZZZZZZZZZZZZZZZZZZ',
          seq: 1,
          type,
          cameraId: 'c1',
          historical: false,
          ts: '2026-12-05T10:00:00.000Z',
          detail: { nested: { deeper: 1 } },
        }),
      );
    const ok = parseMessage('camgate/v1/s1/gw1/events', event('picture.smudged'));
    expect(ok.ok ? ok.item.payload : ok).toMatchObject({
      type: 'picture.smudged',
      detail: { nested: { deeper: 1 } },
    });
    const long = parseMessage('camgate/v1/s1/gw1/events', event('x'.repeat(65)));
    expect(long.ok ? 'accepted' : long.reason).toMatch(/^type: /);
  });
});
