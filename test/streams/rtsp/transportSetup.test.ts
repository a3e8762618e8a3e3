import { describe, expect, it } from 'vitest';
import { RtspHeaders, type RtspMessage } from '../../../src/streams/rtsp/rtspMessage.js';
import type { RtspRequest } from '../../../src/streams/rtsp/rtspRequest.js';
import { type RtpTransport, setupVideo } from '../../../src/streams/rtsp/transportSetup.js';
import type { UdpPortPair } from '../../../src/streams/rtsp/udpPortPool.js';

type Req = Omit<RtspRequest, 'cseq'>;

function answer(status: number, reason: string, headers: Record<string, string> = {}): RtspMessage {
  const h = new RtspHeaders();
  for (const [k, v] of Object.entries(headers)) h.add(k, v);
  return { kind: 'response', status, reason, method: '', uri: '', headers: h, body: Buffer.alloc(0) };
}

function fakePairs(): { open: () => Promise<UdpPortPair>; released: number[] } {
  const released: number[] = [];
  let next = 50_000;
  return {
    released,
    open: async () => {
      const port = next;
      next += 2;
      // Only rtpPort and release are used by setupVideo; no sockets are needed for this pure logic.
      const pair: Pick<UdpPortPair, 'rtpPort' | 'release'> = {
        rtpPort: port,
        release: () => released.push(port),
      };
      return pair as UdpPortPair;
    },
  };
}

function script(answers: RtspMessage[]): { request: (r: Req) => Promise<RtspMessage>; sent: Req[] } {
  const sent: Req[] = [];
  return {
    sent,
    request: async (r: Req) => {
      sent.push(r);
      const a = answers.shift();
      if (!a) throw new Error('unexpected request');
      return a;
    },
  };
}

const order: RtpTransport[] = ['tcp', 'udp'];

describe('setupVideo: the RTP transport fallback', () => {
  it('retries with RTP/AVP over UDP when TCP is refused with 461 (VLC)', async () => {
    const udp = 'RTP/AVP;unicast;client_port=50000-50001;server_port=6000-6001';
    const server = script([
      answer(461, 'Unsupported transport'),
      answer(200, 'OK', { Transport: udp, Session: 'abc;timeout=60' }),
    ]);
    const pairs = fakePairs();
    const result = await setupVideo(server, 'rtsp://cam/s', order, 1000, pairs.open);
    expect(result.transport).toBe('udp');
    expect(result.answer?.serverPort).toEqual([6000, 6001]);
    expect(server.sent.map((r) => r.headers?.Transport)).toEqual([
      'RTP/AVP/TCP;unicast;interleaved=0-1',
      'RTP/AVP;unicast;client_port=50000-50001',
    ]);
    expect(pairs.released).toEqual([]);
  });

  it('changes the transport of the session the server made when it answered TCP with UDP', async () => {
    const server = script([
      answer(200, 'OK', { Transport: 'RTP/AVP;unicast;client_port=1-2', Session: 'S1;timeout=30' }),
      answer(200, 'OK', { Transport: 'RTP/AVP;unicast;client_port=50000-50001', Session: 'S1' }),
    ]);
    const result = await setupVideo(server, 'rtsp://cam/s', order, 1000, fakePairs().open);
    expect(result.transport).toBe('udp');
    expect(server.sent[1]?.headers?.Session).toBe('S1');
  });

  it('keeps TCP when the server agrees, even without /TCP in its answer', async () => {
    const server = script([
      answer(200, 'OK', { Transport: 'RTP/AVP;unicast;interleaved=2-3', Session: 'x' }),
    ]);
    const result = await setupVideo(server, 'rtsp://cam/s', order, 1000, fakePairs().open);
    expect(result).toMatchObject({ transport: 'tcp', answer: { interleaved: [2, 3] } });
  });

  it('fails naming both refusals, and releases the UDP ports, when UDP is refused too', async () => {
    const server = script([answer(461, 'Unsupported transport'), answer(461, 'Unsupported transport')]);
    const pairs = fakePairs();
    await expect(setupVideo(server, 'rtsp://cam/s', order, 1000, pairs.open)).rejects.toThrow(
      /tcp refused \(server answered 461 Unsupported transport\); then server answered 461/,
    );
    expect(pairs.released).toEqual([50_000]);
  });

  it('does not fall back on other errors (a 404 is the answer, not a transport problem)', async () => {
    const server = script([answer(404, 'Not Found')]);
    await expect(setupVideo(server, 'rtsp://cam/s', order, 1000, fakePairs().open)).rejects.toThrow(/404/);
    expect(server.sent).toHaveLength(1);
  });

  it('with transport: tcp configured, a 461 is the failure', async () => {
    const server = script([answer(461, 'Unsupported transport')]);
    await expect(setupVideo(server, 'rtsp://cam/s', ['tcp'], 1000, fakePairs().open)).rejects.toThrow(/461/);
  });

  it('releases the UDP ports when the SETUP request itself fails', async () => {
    const pairs = fakePairs();
    const server = {
      request: async () => {
        throw new Error('connection closed');
      },
    };
    await expect(setupVideo(server, 'rtsp://cam/s', ['udp'], 1000, pairs.open)).rejects.toThrow(/closed/);
    expect(pairs.released).toEqual([50_000]);
  });
});
