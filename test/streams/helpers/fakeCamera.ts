import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

export interface FakeCameraOptions {
  codec?: 'h264' | 'h265';
  fps?: number;
  gop?: number;
  sessionTimeoutS?: number;
  auth?: { user: string; password: string; algorithm: 'MD5' | 'SHA-256'; staleOnce?: boolean };
  /** Packets keep flowing but every one carries the same RTP timestamp (a hung encoder). */
  frozenTimestamps?: boolean;
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
      socket.write(
        `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n${session}\r\n\r\n`,
      );
    } else if (method === 'PLAY') {
      socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\n${session}\r\n\r\n`);
      this.stream(socket);
    } else {
      socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\n\r\n`);
    }
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
      for (const payload of this.framePayloads(frame % gop === 0)) {
        socket.write(rtpFrame(seq, ts, payload));
        seq = (seq + 1) & 0xffff;
      }
      frame += 1;
    }, 1000 / fps);
    this.timers.add(timer);
  }

  /** A keyframe as 3 FU fragments, other frames as one single-NAL packet. */
  private framePayloads(key: boolean): Buffer[] {
    const h265 = this.options.codec === 'h265';
    if (!key) return [h265 ? Buffer.from([1 << 1, 1, 0xaa, 0xbb]) : Buffer.from([0x41, 0x9a, 0xbb])];
    const body = Buffer.alloc(1200, 0x55);
    const header = (pos: 'start' | 'mid' | 'end'): Buffer => {
      const se = pos === 'start' ? 0x80 : pos === 'end' ? 0x40 : 0;
      return h265 ? Buffer.from([49 << 1, 1, se | 19]) : Buffer.from([0x7c, se | 5]);
    };
    return [
      Buffer.concat([header('start'), body]),
      Buffer.concat([header('mid'), body]),
      Buffer.concat([header('end'), body]),
    ];
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

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
