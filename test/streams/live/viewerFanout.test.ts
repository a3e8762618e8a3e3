import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../src/shared/log.js';
import { ViewerFanout } from '../../../src/streams/live/viewerFanout.js';
import { OPEN, type ViewerSocket } from '../../../src/streams/live/viewerSockets.js';

/** A viewer socket whose peer reads `drainPerSend` bytes between two sends (0: a stalled tab). */
class FakeViewer implements ViewerSocket {
  readonly readyState = OPEN;
  bufferedAmount = 0;
  readonly received: Buffer[] = [];
  constructor(public drainPerSend: number) {}
  send(data: Buffer | string): void {
    const b = Buffer.from(data);
    this.received.push(b);
    this.bufferedAmount = Math.max(0, this.bufferedAmount + b.length - this.drainPerSend);
  }
  closed = false;
  on(): void {
    // a fake peer never closes or fails on its own
  }
  close(): void {
    this.closed = true;
  }
  terminate(): void {
    this.closed = true;
  }
}

const MAX = 64 * 1024;
const CHUNK = 188 * 40; // about what one read of ffmpeg's pipe gives
const live = (i: number): Buffer => Buffer.alloc(CHUNK, i % 256);
const burst = Buffer.from('join point');

describe('ViewerFanout', () => {
  // Review finding: a stalled tab or a slow `ssh -L` kept buffering ~1 Mbit/s in the gateway.
  it('stops queueing for a viewer that stopped reading, while another keeps every packet', () => {
    const fanout = new ViewerFanout(silentLog(), MAX);
    const stalled = new FakeViewer(0);
    const fast = new FakeViewer(Number.POSITIVE_INFINITY);
    fanout.add(stalled);
    fanout.add(fast);
    for (let i = 0; i < 1000; i += 1) fanout.push(live(i), () => burst);

    expect(stalled.bufferedAmount).toBeLessThanOrEqual(MAX + CHUNK);
    expect(fanout.backlog).toBe(stalled.bufferedAmount);
    expect(fanout.behind).toBe(1);
    expect(stalled.closed).toBe(false); // kept: it rejoins once it reads again (the page does not reconnect)
    // the fast one: the join point, then the live packets of every later push
    expect(fast.received.length).toBe(1000);
    expect(fast.received[0]).toEqual(burst);
    expect(fast.received.slice(1).map((b) => b[0])).toEqual([...Array(999).keys()].map((i) => (i + 1) % 256));
  });

  it('lets a slow viewer rejoin at a join point once its backlog has drained', () => {
    const fanout = new ViewerFanout(silentLog(), MAX);
    const slow = new FakeViewer(0);
    fanout.add(slow);
    for (let i = 0; i < 100; i += 1) fanout.push(live(i), () => burst);
    expect(fanout.behind).toBe(1);
    const sent = slow.received.length;

    slow.bufferedAmount = MAX / 4; // draining, but not enough yet
    fanout.push(live(100), () => burst);
    expect(slow.received.length).toBe(sent);

    slow.bufferedAmount = 0;
    slow.drainPerSend = Number.POSITIVE_INFINITY;
    fanout.push(live(101), () => burst);
    fanout.push(live(102), () => burst);
    expect(slow.received.slice(sent)).toEqual([burst, live(102)]);
    expect(fanout.behind).toBe(0);
  });

  it('holds a new viewer until there is a join point', () => {
    const fanout = new ViewerFanout(silentLog(), MAX);
    const v = new FakeViewer(Number.POSITIVE_INFINITY);
    fanout.add(v);
    fanout.push(live(0), () => undefined);
    expect(v.received).toEqual([]);
    fanout.push(live(1), () => burst);
    fanout.push(live(2), () => burst);
    expect(v.received).toEqual([burst, live(2)]);
  });
});
