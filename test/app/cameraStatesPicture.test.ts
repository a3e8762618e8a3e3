import { describe, expect, it } from 'vitest';
import { pictureEvent } from '../../src/uplink/eventRules.js';
import { cameraStatePayload } from '../../src/uplink/payloads.js';
import { cameraStatePayload as statePayload } from '../../src/uplink/statePayloads.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { statesWithCamera } from '../picture/helpers.js';

function setup() {
  const clock = new FakeClock({ wall: Date.UTC(2026, 11, 5, 10) });
  const { board, bus, states } = statesWithCamera(clock, 'cam-1', '10.0.0.41');
  const heard: string[] = [];
  bus.on('health.picture', (p) => heard.push(`${p.from.join('+') || '-'} > ${p.to.join('+') || '-'}`));
  return { board, states, heard };
}

describe('CameraStates folds the picture verdict into the camera state (issue #17)', () => {
  it('a raised picture reason makes an online camera degraded, not integrated, cause picture_degraded; clearing restores it', () => {
    const { board, states, heard } = setup();
    states.stream('cam-1', { status: 'online', since: '2026-12-05T09:30:00.000Z', reasons: [] }, []);
    expect(board.camera('cam-1')).toMatchObject({ status: 'online', integrated: true });
    const at = '2026-12-05T10:00:00.000Z';
    states.picture('cam-1', { status: 'degraded', reasons: ['view_changed'], checkedAt: at, since: at }, 0);
    expect(board.camera('cam-1')).toMatchObject({
      status: 'degraded',
      since: at,
      reasons: ['view_changed'],
      integrated: false,
      cause: 'picture_degraded',
    });
    // A stream update meanwhile keeps the picture's reasons folded in.
    states.stream('cam-1', { status: 'online', reasons: [] }, []);
    expect(board.camera('cam-1')).toMatchObject({ status: 'degraded', reasons: ['view_changed'] });
    states.picture('cam-1', { status: 'ok', reasons: [], checkedAt: at, since: at }, 0);
    expect(board.camera('cam-1')).toMatchObject({ status: 'online', reasons: [], integrated: true });
    expect(heard).toEqual(['- > view_changed', 'view_changed > -']);
  });

  it('a camera whose stream is down keeps the stream’s cause: its picture was not judged', () => {
    const { board, states } = setup();
    states.stream('cam-1', { status: 'offline', reasons: ['stream_stalled'] }, []);
    states.picture('cam-1', { status: 'degraded', reasons: ['picture_frozen'], checkedAt: undefined }, 0);
    expect(board.camera('cam-1')).toMatchObject({ status: 'offline', cause: 'stream_stalled' });
  });

  it('the retained state carries picture {status, reasons, checkedAt} and validates against the schema', () => {
    const { board, states } = setup();
    states.stream('cam-1', { status: 'online', reasons: ['fps_low 5<12.5'] }, []);
    const at = '2026-12-05T10:00:00.000Z';
    states.picture('cam-1', { status: 'degraded', reasons: ['picture_dark'], checkedAt: at, since: at }, 0);
    const row = board.camera('cam-1');
    if (!row) throw new Error('row missing');
    const payload = cameraStatePayload.parse(statePayload(row, at));
    expect(payload).toMatchObject({
      status: 'degraded',
      reasons: ['fps_low 5<12.5', 'picture_dark'],
      picture: { status: 'degraded', reasons: ['picture_dark'], checkedAt: at },
      cause: 'picture_degraded',
    });
  });
});

describe('picture.degraded / picture.ok events', () => {
  it.each([
    [[], ['picture_dark'], 'picture.degraded'],
    [['picture_dark'], ['picture_dark', 'view_changed'], 'picture.degraded'],
    [['picture_dark'], [], 'picture.ok'],
  ] as const)('%j > %j is %s', (from, to, type) => {
    expect(pictureEvent({ cameraId: 'cam-1', from, to, at: 0 })).toMatchObject({
      type,
      cameraId: 'cam-1',
      fields: { reasons: [...to], previousReasons: [...from] },
    });
  });
});
