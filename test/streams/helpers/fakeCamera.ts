import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';

export interface FakeCameraOptions {
  codec?: 'h264' | 'h265';
  fps?: number;
  gop?: number;
  sessionTimeoutS?: number;
  auth?: { user: string; password: string; algorithm: 'MD5' | 'SHA-256'; staleOnce?: boolean };
  /** Pictures keep coming but every packet carries the same RTP timestamp (issue #12's encoders). */
  frozenTimestamps?: boolean;
  /** Refuse RTP over TCP with 461 and stream RTP/AVP over UDP from its own port pair. */
  udpOnly?: boolean;
  /** UDP: skip (never send) every Nth RTP sequence number, to make real loss. */
  dropEvery?: number;
  /** A hung encoder behind a live RTSP server: only SPS+PPS (STAP-A), timestamps advancing. */
  parameterSetsOnly?: boolean;
}

// SPS/PPS from the retina captures: Dahua H.264 704x480 High, TP-Link H.265 2560x1440 Main.
const H264_FMTP =
  'packetization-mode=1;profile-level-id=64001E;sprop-parameter-sets=Z2QAHqwsaoLA9puCgIKgAAADACAAAAMD0IAA,aO4xshsA';
const H265_FMTP =
  'sprop-vps=QAEMAf//AWAAAAMAAAMAAAMAAAMAlqwJ;sprop-sps=QgEBAWAAAAMAAAMAAAMAAAMAlqABQCAFof4qtO6JLuaAgA27oADN/mAE;sprop-pps=RAHAcvAbJA==';

/**
 * A scripted RTSP camera on 127.0.0.1 for behaviour GStreamer does not show: Digest with qop=auth
 * and SHA-256, a stale nonce, H.265 with FU fragmentation, short session timeouts (keepalive).
 */
export class FakeCamera {
  /** Every request received, with its arrival time (ms since the epoch). */
  readonly requests: Array<{ method: string; authorized: boolean; at: number }> = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nonce = randomBytes(8).toString('hex');
  private staleSent = false;
  /** UDP: the camera's own RTP/RTCP sockets (server_port), and where the client asked RTP to go. */
  private udp: { rtp: dgram.Socket; rtcp: dgram.Socket; clientPort: number } | undefined;
  /** UDP: RTCP datagrams that reached the camera's RTCP port from the client. */
  readonly rtcpReceived: Buffer[] = [];
  /** Transport headers of the SETUP requests, in order. */
  readonly setupTransports: string[] = [];

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly options: FakeCameraOptions,
  ) {}

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/live`;
  }

  static async start(options: FakeCameraOptions = {}): Promise<FakeCamera> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const cam = new FakeCamera(server, address.port, options);
    server.on('connection', (s) => cam.serve(s));
    return cam;
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = '';
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        this.handle(socket, head);
      }
    });
  }

  private handle(socket: net.Socket, head: string): void {
    const [start = '', ...lines] = head.split('\r\n');
    const [method = '', uri = ''] = start.split(' ');
    const headers = new Map(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    const cseq = headers.get('cseq') ?? '0';
    const authorized = this.checkAuth(method, uri, headers.get('authorization'));
    this.requests.push({ method, authorized, at: Date.now() });
    const auth = this.options.auth;
    if (auth && method !== 'OPTIONS') {
      // The first correct answer is refused as stale once, to exercise the client's stale retry.
      const stale = authorized && auth.staleOnce === true && !this.staleSent;
      if (stale) this.staleSent = true;
      if (!authorized || stale) {
        this.nonce = randomBytes(8).toString('hex');
        const challenge = `Digest realm="fake", nonce="${this.nonce}", qop="auth", algorithm=${auth.algorithm}${stale ? ', stale=true' : ''}`;
        socket.write(`RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: ${challenge}\r\n\r\n`);
        return;
      }
    }
    const session = `Session: 4711;timeout=${this.options.sessionTimeoutS ?? 60}`;
    if (method === 'OPTIONS' || method === 'GET_PARAMETER') {
      socket.write(
        `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER\r\n\r\n`,
      );
    } else if (method === 'DESCRIBE') {
      const sdp = this.sdp();
      socket.write(
        `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Base: ${this.url}/\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
      );
    } else if (method === 'SETUP') {
      void this.setup(socket, cseq, session, headers.get('transport') ?? '');
    } else if (method === 'PLAY') {
      socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\n${session}\r\n\r\n`);
      this.stream(socket);
    } else {
      socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\n\r\n`);
    }
  }

  private async setup(socket: net.Socket, cseq: string, session: string, transport: string): Promise<void> {
    this.setupTransports.push(transport);
    const clientPort = /client_port=(\d+)/.exec(transport)?.[1];
    if (!this.options.udpOnly) {
      const t = 'RTP/AVP/TCP;unicast;interleaved=0-1';
      socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nTransport: ${t}\r\n${session}\r\n\r\n`);
    } else if (clientPort === undefined) {
      socket.write(`RTSP/1.0 461 Unsupported transport\r\nCSeq: ${cseq}\r\n\r\n`);
    } else {
      const rtp = dgram.createSocket('udp4');
      const rtcp = dgram.createSocket('udp4');
      await new Promise<void>((r) => rtp.bind(0, '127.0.0.1', r));
      await new Promise<void>((r) => rtcp.bind(0, '127.0.0.1', r));
      rtcp.on('message', (msg) => this.rtcpReceived.push(msg));
      this.udp = { rtp, rtcp, clientPort: Number(clientPort) };
      const ports = `${rtp.address().port}-${rtcp.address().port}`;
      const t = `RTP/AVP;unicast;client_port=${clientPort}-${Number(clientPort) + 1};server_port=${ports};ssrc=0000CAFE`;
      socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nTransport: ${t}\r\n${session}\r\n\r\n`);
    }
  }

  /** UDP: the camera's RTP source port (the SETUP answer's server_port). */
  get udpServerPort(): number | undefined {
    return this.udp?.rtp.address().port;
  }

  /** UDP: the client port RTP goes to. */
  get udpClientPort(): number | undefined {
    return this.udp?.clientPort;
  }

  private checkAuth(method: string, uri: string, header: string | undefined): boolean {
    const auth = this.options.auth;
    if (!auth || !header) return false;
    const p = new Map(
      [...header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1] ?? '', m[2] ?? m[3] ?? '']),
    );
    const h = (s: string): string =>
      createHash(auth.algorithm === 'SHA-256' ? 'sha256' : 'md5')
        .update(s)
        .digest('hex');
    const ha1 = h(`${auth.user}:fake:${auth.password}`);
    const ha2 = h(`${method}:${p.get('uri') ?? uri}`);
    const expected = h(`${ha1}:${p.get('nonce')}:${p.get('nc')}:${p.get('cnonce')}:auth:${ha2}`);
    return p.get('qop') === 'auth' && p.get('response') === expected && p.get('nonce') === this.nonce;
  }

  private sdp(): string {
    const h265 = this.options.codec === 'h265';
    return [
      'v=0',
      'o=- 1 1 IN IP4 127.0.0.1',
      's=fake',
      't=0 0',
      'a=control:*',
      'm=video 0 RTP/AVP 96',
      `a=rtpmap:96 ${h265 ? 'H265' : 'H264'}/90000`,
      `a=fmtp:96 ${h265 ? H265_FMTP : H264_FMTP}`,
      'a=control:trackID=0',
      '',
    ].join('\r\n');
  }

  private stream(socket: net.Socket): void {
    const fps = this.options.fps ?? 25;
    const gop = this.options.gop ?? fps;
    let frame = 0;
    let seq = 1000;
    const timer = setInterval(() => {
      if (socket.destroyed) {
        clearInterval(timer);
        return;
      }
      const ts = this.options.frozenTimestamps ? 12345 : (frame * (90_000 / fps)) >>> 0;
      const payloads = this.options.parameterSetsOnly
        ? [PARAMETER_SETS]
        : this.framePayloads(frame % gop === 0);
      for (const payload of payloads) {
        const packet = rtpFrame(seq, ts, payload);
        const drop = this.options.dropEvery !== undefined && seq % this.options.dropEvery === 0;
        if (!this.udp) socket.write(packet);
        else if (!drop) this.udp.rtp.send(packet.subarray(4), this.udp.clientPort, '127.0.0.1');
        seq = (seq + 1) & 0xffff;
      }
      frame += 1;
    }, 1000 / fps);
    this.timers.add(timer);
  }

  /**
   * A keyframe as 3 FU fragments, other frames as one single-NAL packet; every picture one slice,
   * so its slice header starts with first_mb_in_slice 0 / first_slice_segment_in_pic_flag 1.
   */
  private framePayloads(key: boolean): Buffer[] {
    const h265 = this.options.codec === 'h265';
    if (!key) return [h265 ? Buffer.from([1 << 1, 1, 0xaa, 0xbb]) : Buffer.from([0x41, 0x9a, 0xbb])];
    const body = Buffer.alloc(1200, 0x55);
    const header = (pos: 'start' | 'mid' | 'end'): Buffer => {
      const se = pos === 'start' ? 0x80 : pos === 'end' ? 0x40 : 0;
      return h265 ? Buffer.from([49 << 1, 1, se | 19]) : Buffer.from([0x7c, se | 5]);
    };
    return [
      Buffer.concat([header('start'), Buffer.from([0x88]), body]),
      Buffer.concat([header('mid'), body]),
      Buffer.concat([header('end'), body]),
    ];
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sockets) s.destroy();
    this.udp?.rtp.close();
    this.udp?.rtcp.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** STAP-A of the Dahua SPS and PPS in H264_FMTP: no slice, so no picture. */
const PARAMETER_SETS = (() => {
  const [sps, pps] = H264_FMTP.split('sprop-parameter-sets=')[1]?.split(',') ?? [];
  const nals = [Buffer.from(sps ?? '', 'base64'), Buffer.from(pps ?? '', 'base64')];
  return Buffer.concat([
    Buffer.from([0x78]),
    ...nals.flatMap((n) => [Buffer.from([n.length >> 8, n.length & 0xff]), n]),
  ]);
})();

function rtpFrame(seq: number, ts: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(4 + 12 + payload.length);
  b[0] = 0x24;
  b[1] = 0;
  b.writeUInt16BE(12 + payload.length, 2);
  b[4] = 0x80;
  b[5] = 96;
  b.writeUInt16BE(seq, 6);
  b.writeUInt32BE(ts, 8);
  b.writeUInt32BE(0xcafe, 12);
  payload.copy(b, 16);
  return b;
}
