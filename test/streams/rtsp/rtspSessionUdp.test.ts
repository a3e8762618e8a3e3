import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLog } from '../../../src/shared/log.js';
import { systemNet } from '../../../src/shared/net.js';
import { RtspSession, type RtspSessionOptions } from '../../../src/streams/rtsp/rtspSession.js';
import { UdpPortPool } from '../../../src/streams/rtsp/udpPortPool.js';
import { deferCleanup } from '../../helpers/testCleanup.js';
import { FakeCamera, type FakeCameraOptions } from '../helpers/fakeCamera.js';

const deps = { clock: systemClock, net: systemNet, log: silentLog() };
async function camera(options: FakeCameraOptions): Promise<FakeCamera> {
  const cam = await FakeCamera.start({ udpOnly: true, ...options });
  deferCleanup(() => cam.close());
  return cam;
}

function session(options: RtspSessionOptions): RtspSession {
  const s = new RtspSession(deps, { stepTimeoutMs: 3000, stallMs: 2000, ...options });
  deferCleanup(() => s.stop());
  s.start();
  return s;
}

async function playing(s: RtspSession): Promise<void> {
  while (s.phase !== 'playing') {
    if (s.phase === 'closed') throw new Error(`closed: ${s.closeError?.message}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A datagram that is valid RTP of the same stream, sent from a socket that is not the camera's. */
async function spoofer(): Promise<{ send: (port: number, seq: number) => void; close: () => void }> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  deferCleanup(async () => sock.close());
  return {
    send: (port, seq) => {
      const b = Buffer.alloc(16);
      b[0] = 0x80;
      b[1] = 96;
      b.writeUInt16BE(seq & 0xffff, 2);
      b.writeUInt32BE(seq * 9000, 4);
      b.writeUInt32BE(0xcafe, 8);
      b.writeUInt32BE(0x419a0000, 12);
      sock.send(b, port, '127.0.0.1');
    },
    close: () => undefined,
  };
}

describe('RtspSession over UDP against a scripted UDP-only camera', () => {
  it('falls back from TCP (461) to UDP, counts real loss, and sends RTCP receiver reports to server_port', async () => {
    const cam = await camera({ fps: 25, dropEvery: 10 });
    const pool = new UdpPortPool(systemNet);
    const s = session({ url: cam.url, udpPorts: pool });
    await playing(s);
    expect(s.transport).toBe('udp');
    expect(cam.setupTransports[0]).toContain('RTP/AVP/TCP');
    expect(cam.setupTransports[1]).toMatch(/^RTP\/AVP;unicast;client_port=\d*[02468]-\d+$/);
    expect(pool.held).toBe(1);
    s.takeSample(systemClock.monotonic());
    await sleep(2500);
    const sample = s.takeSample(systemClock.monotonic());
    expect(sample?.stats.fps).toBeGreaterThan(20);
    // Every 10th sequence number is never sent: ~10 % loss, seen only because this is UDP.
    expect(sample?.stats.lossPct).toBeGreaterThan(5);
    expect(sample?.stats.lossPct).toBeLessThan(15);
    // The first report goes out at PLAY (it opens the camera's way back), with a report block later.
    const withBlock = cam.rtcpReceived.filter((p) => p[1] === 201 && ((p[0] as number) & 0x1f) === 1);
    expect(cam.rtcpReceived.length).toBeGreaterThanOrEqual(1);
    await sleep(5200);
    const blocks = cam.rtcpReceived.filter((p) => p[1] === 201 && ((p[0] as number) & 0x1f) === 1);
    expect(blocks.length).toBeGreaterThan(withBlock.length);
    const last = blocks[blocks.length - 1] as Buffer;
    expect(last.readUInt32BE(8)).toBe(0xcafe); // reports on the camera's SSRC
    expect(last.readUIntBE(13, 3)).toBeGreaterThan(10); // cumulative packets lost
    expect(await s.stop()).toBe('stopped');
    expect(pool.held).toBe(0);
  });

  it('accepts RTP only from the camera address and server port of the SETUP answer (RFC 3550 source check)', async () => {
    const cam = await camera({ fps: 25 });
    const s = session({ url: cam.url });
    await playing(s);
    const clientPort = cam.udpClientPort as number;
    const other = await spoofer();
    s.takeSample(systemClock.monotonic());
    // 200 packets with sequence numbers far from the camera's: accepted, they would read as a restart or huge loss.
    for (let i = 0; i < 200; i++) other.send(clientPort, 30_000 + i * 7);
    await sleep(1500);
    const sample = s.takeSample(systemClock.monotonic());
    expect(sample?.stats.lossPct).toBe(0);
    expect(sample?.stats.fps).toBeGreaterThan(20);
    expect(s.phase).toBe('playing');
  });

  it('bounds a flood on the RTP port: drops over budget, then ends the session and releases its ports', async () => {
    const cam = await camera({ fps: 25 });
    const pool = new UdpPortPool(systemNet);
    const s = session({ url: cam.url, udpPorts: pool, udpBudgetPerSecond: 100, stallMs: 60_000 });
    await playing(s);
    const clientPort = cam.udpClientPort as number;
    const other = await spoofer();
    const flood = setInterval(() => {
      for (let i = 0; i < 100; i++) other.send(clientPort, i);
    }, 50);
    deferCleanup(async () => clearInterval(flood));
    const t0 = Date.now();
    expect(await s.closed).toBe('protocol');
    clearInterval(flood);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(s.closeError?.message).toMatch(/RTP flood on UDP port \d+: over 100 packets\/s for 3 s/);
    expect(pool.held).toBe(0);
  });

  it('releases the ports when the session ends in a stall, and when TCP is all it may use and the camera refuses it', async () => {
    const cam = await camera({ fps: 25 });
    const pool = new UdpPortPool(systemNet);
    const s = session({ url: cam.url, udpPorts: pool, stallMs: 800 });
    await playing(s);
    await cam.close();
    expect(await s.closed).not.toBe('stopped');
    expect(pool.held).toBe(0);

    const cam2 = await camera({ fps: 25 });
    const tcpOnly = session({ url: cam2.url, udpPorts: pool, transports: ['tcp'] });
    expect(await tcpOnly.closed).toBe('protocol');
    expect(tcpOnly.closeError?.message).toMatch(/461 Unsupported transport/);
    expect(pool.held).toBe(0);
  });
});
