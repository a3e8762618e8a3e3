import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { systemNet } from '../../../src/shared/net.js';
import { type UdpPortPair, UdpPortPool } from '../../../src/streams/rtsp/udpPortPool.js';

const held: UdpPortPair[] = [];
const blockers: dgram.Socket[] = [];
afterEach(() => {
  for (const p of held.splice(0)) p.release();
  for (const b of blockers.splice(0)) b.close();
});

/** An even port the OS just handed out, with its neighbours free a moment ago: a range for this test only. */
async function freshRange(size: number): Promise<{ first: number; last: number }> {
  for (;;) {
    const probe = dgram.createSocket('udp4');
    const port = await new Promise<number>((r) => probe.bind(0, '0.0.0.0', () => r(probe.address().port)));
    probe.close();
    const first = port % 2 === 0 ? port : port + 1;
    if (first + size - 1 <= 65_535 && first >= 1024) return { first, last: first + size - 1 };
  }
}

async function block(port: number): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind({ port, address: '0.0.0.0', exclusive: true }, r));
  blockers.push(s);
}

describe('UdpPortPool', () => {
  it('hands out even/odd pairs from the configured range, skips ports another program holds, and says when it is full', async () => {
    const range = await freshRange(6);
    await block(range.first + 1); // the first pair's RTCP port is taken by someone else
    const pool = new UdpPortPool(systemNet, range);
    const a = await pool.open();
    held.push(a);
    const b = await pool.open();
    held.push(b);
    expect([a.rtpPort, b.rtpPort]).toEqual([range.first + 2, range.first + 4]);
    expect(a.rtcp.address().port).toBe(a.rtpPort + 1);
    expect(pool.held).toBe(2);
    await expect(pool.open()).rejects.toThrow(`no free UDP port pair in ${range.first}-${range.last}`);
    a.release();
    a.release();
    expect(pool.held).toBe(1);
    const c = await pool.open();
    held.push(c);
    expect(c.rtpPort).toBe(range.first + 2);
  });

  it('without a range lets the OS pick an even port with the odd one free next to it', async () => {
    const pool = new UdpPortPool(systemNet);
    const pair = await pool.open();
    held.push(pair);
    expect(pair.rtpPort % 2).toBe(0);
    expect(pair.rtcp.address().port).toBe(pair.rtpPort + 1);
    pair.release();
    expect(pool.held).toBe(0);
  });
});
