import { describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../../src/shared/clock.js';
import { createLog } from '../../../src/shared/log.js';
import { type Net, systemNet } from '../../../src/shared/net.js';
import { ReadPacer } from '../../../src/streams/rtsp/readPacer.js';
import { RtspSession, type RtspSessionOptions } from '../../../src/streams/rtsp/rtspSession.js';
import { Ticker } from '../../../src/streams/ticker.js';
import { deferCleanup } from '../../helpers/testCleanup.js';
import { GstServer } from '../helpers/gstServer.js';
import { playing } from '../helpers/playing.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The system Net, counting the reads of every socket it opens. */
function countingNet(): { net: Net; reads: () => number } {
  let reads = 0;
  const net: Net = {
    ...systemNet,
    connect: ({ onData, ...options }) =>
      systemNet.connect({
        ...options,
        onData:
          onData &&
          ((chunk) => {
            reads += 1;
            return onData(chunk);
          }),
      }),
  };
  return { net, reads: () => reads };
}

async function pacedSession(
  pacer: Partial<ConstructorParameters<typeof ReadPacer>[1]>,
  options: Partial<RtspSessionOptions> = {},
  pacerClock: Clock = systemClock,
) {
  const server = await GstServer.start({ width: 320, height: 240, fps: 25, keyint: 25 });
  deferCleanup(() => server.close());
  const counting = countingNet();
  const deps = { clock: systemClock, net: counting.net, log: createLog({ level: 'silent' }) };
  const readPacer = new ReadPacer(pacerClock, { maxMs: 250, ...pacer });
  const s = new RtspSession(deps, {
    url: server.url,
    stepTimeoutMs: 3000,
    stallMs: 1500,
    ticker: new Ticker(systemClock, 250),
    readPacer,
    ...options,
  });
  deferCleanup(() => s.stop());
  s.start();
  await playing(s, server);
  return { server, session: s, reads: counting.reads, readPacer };
}

describe('RtspSession with paced reads (#14)', () => {
  it('reads a 25 fps stream about four times a second and still counts every frame', async () => {
    const { session, reads } = await pacedSession({});
    await sleep(1000);
    session.takeSample(systemClock.monotonic());
    const readsBefore = reads();
    await sleep(3000);
    const sample = session.takeSample(systemClock.monotonic());
    const perSecond = (reads() - readsBefore) / 3;
    // Read as it comes, a 25 fps stream is ≥ 25 reads a second.
    expect(perSecond).toBeLessThan(8);
    expect(sample?.stats.fps).toBeGreaterThan(22);
    expect(sample?.stats.fps).toBeLessThan(28);
    expect(sample?.window.frames).toBeGreaterThan(3 * 25 - 10);
    expect(sample?.stats.keyframeIntervalS).toBeCloseTo(1, 0);
    // Arrival times are the reads': too coarse for a jitter figure.
    expect(sample?.stats.jitterMs).toBeUndefined();
    expect(session.phase).toBe('playing');
  });

  it('reads a stream faster than batchBytes per maxMs as it comes', async () => {
    // A 256-byte batch is less than one frame of this stream: no pause is long enough to pay.
    const { session, reads } = await pacedSession({ batchBytes: 256 });
    await sleep(1000);
    session.takeSample(systemClock.monotonic());
    const readsBefore = reads();
    await sleep(2000);
    const sample = session.takeSample(systemClock.monotonic());
    expect((reads() - readsBefore) / 2).toBeGreaterThanOrEqual(20);
    expect(sample?.stats.fps).toBeGreaterThan(22);
    expect(sample?.stats.jitterMs).toBeUndefined();
  });

  it('still closes with stall when the server stops sending, within stallMs and one pause', async () => {
    const { server, session, readPacer } = await pacedSession({});
    await sleep(1000);
    const frozenAt = Date.now();
    await server.freeze();
    expect(await session.closed).toBe('stall');
    expect(Date.now() - frozenAt).toBeLessThan(1500 + 250 + 1000);
    expect(readPacer.pausedCount).toBe(0);
  });

  it('unread time is not silence: a pause longer than stallMs is not judged a stall', async () => {
    // The daemon never pauses longer than one tick; here each pause is 2 s against stallMs 1.5 s,
    // so a stall check counting unread time as silence would close this live 25 fps session. The
    // stall check runs right after every pacer step, in the same timers pass, as the shared tick
    // can: a resumed socket's bytes are read only at the next poll, so they are still unread then.
    let session: RtspSession | undefined;
    const tickAfterPacer: Clock = {
      ...systemClock,
      setInterval: (fn, ms) =>
        systemClock.setInterval(() => {
          fn();
          session?.tick(systemClock.monotonic());
        }, ms),
    };
    const paced = await pacedSession({ maxMs: 2000, batchBytes: 1 << 20 }, {}, tickAfterPacer);
    session = paced.session;
    const { readPacer } = paced;
    await sleep(5000);
    expect(session.phase).toBe('playing');
    expect(readPacer.pausedCount).toBeLessThanOrEqual(1);
    expect(session.takeSample(systemClock.monotonic())?.window.frames).toBeGreaterThan(4 * 25 - 30);
  });
  it('a server that closes while the socket is paused: the session ends with eof, nothing stays paused', async () => {
    const { server, session, readPacer } = await pacedSession({});
    for (let i = 0; i < 100 && readPacer.pausedCount === 0; i++) await sleep(10);
    expect(readPacer.pausedCount).toBe(1);
    await server.kill();
    expect(await session.closed).toBe('eof');
    expect(readPacer.pausedCount).toBe(0);
  });

  it('a UDP session is not paced: its RTP comes by datagram, and its jitter is still measured', async () => {
    const { session, readPacer } = await pacedSession({}, { transports: ['udp'] });
    expect(session.transport).toBe('udp');
    session.takeSample(systemClock.monotonic());
    for (let i = 0; i < 40; i++) {
      await sleep(50);
      expect(readPacer.pausedCount).toBe(0);
    }
    const sample = session.takeSample(systemClock.monotonic());
    expect(sample?.stats.fps).toBeGreaterThan(20);
    expect(sample?.stats.jitterMs).toBeGreaterThanOrEqual(0);
  });
});
