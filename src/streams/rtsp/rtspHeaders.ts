/** Parsers for the RTSP headers a health client needs: Session, Transport, RTP-Info, Public. */

export interface SessionHeader {
  readonly id: string;
  /** Seconds; RFC 2326 12.37 default is 60. */
  readonly timeoutSeconds: number;
}

export function parseSession(value: string | undefined): SessionHeader | undefined {
  if (value === undefined) return undefined;
  // Hikvision "Session:        708345999", GW "Session: 9a90de54; timeout=60".
  const [idPart = '', ...params] = value.split(';');
  const id = idPart.trim();
  if (id === '' || /[\s,]/.test(id)) return undefined;
  let timeoutSeconds = 60;
  for (const p of params) {
    const m = /^\s*timeout\s*=\s*(\d+)/i.exec(p);
    if (m && Number(m[1]) > 0) timeoutSeconds = Math.min(Number(m[1]), 3600);
  }
  return { id, timeoutSeconds };
}

/** Keepalive period: half the server's session timeout (RFC 2326 12.37), at most every 30 s. */
export function keepaliveIntervalMs(session: SessionHeader | undefined): number {
  const timeoutS = session?.timeoutSeconds ?? 60;
  return Math.min(30_000, Math.max(1000, (timeoutS * 1000) / 2));
}

export interface TransportHeader {
  readonly tcp: boolean;
  readonly interleaved?: readonly [number, number];
  readonly ssrc?: number;
  /** UDP: the ports the client asked for (echoed back) and the ports the server sends from. */
  readonly clientPort?: readonly [number, number];
  readonly serverPort?: readonly [number, number];
  /** UDP: the address the server sends from, when not the RTSP connection's peer (RFC 2326 12.39). */
  readonly source?: string;
  readonly multicast: boolean;
}

export function parseTransport(value: string | undefined): TransportHeader | undefined {
  if (value === undefined) return undefined;
  const first = value.split(',')[0] ?? '';
  const [spec = '', ...params] = first.split(';');
  let interleaved: [number, number] | undefined;
  let clientPort: [number, number] | undefined;
  let serverPort: [number, number] | undefined;
  let ssrc: number | undefined;
  let source: string | undefined;
  let multicast = false;
  for (const p of params) {
    const [k = '', v = ''] = p.split('=');
    const key = k.trim().toLowerCase();
    if (key === 'interleaved') interleaved = pairOf(v, 255);
    else if (key === 'client_port') clientPort = pairOf(v, 65_535);
    else if (key === 'server_port') serverPort = pairOf(v, 65_535);
    else if (key === 'source' && v.trim() !== '') source = v.trim();
    else if (key === 'multicast') multicast = true;
    else if (key === 'ssrc') {
      // Hikvision: "ssrc= d6d6627" — a space and only seven hex digits.
      const hex = v.trim();
      if (/^[0-9a-f]{1,8}$/i.test(hex)) ssrc = Number.parseInt(hex, 16);
    }
  }
  return { tcp: /\/TCP$/i.test(spec.trim()), interleaved, ssrc, clientPort, serverPort, source, multicast };
}

/** "a-b" or "a" (then b = a + 1), each within 0..max. */
function pairOf(text: string, max: number): [number, number] | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a + 1;
  return a <= max && b <= max ? [a, b] : undefined;
}

export interface RtpInfoEntry {
  readonly url?: string;
  readonly seq?: number;
  readonly rtptime?: number;
}

export function parseRtpInfo(value: string | undefined): RtpInfoEntry[] {
  if (value === undefined) return [];
  const entries: RtpInfoEntry[] = [];
  // Split on ",url=" only: URLs may contain commas in their query.
  for (const item of value.split(/,(?=\s*url=)/i)) {
    let url: string | undefined;
    let seq: number | undefined;
    let rtptime: number | undefined;
    for (const part of item.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const k = part.slice(0, eq).trim().toLowerCase();
      const v = part.slice(eq + 1).trim();
      if (k === 'url') url = v;
      // Wowza (moonfire-nvr#224) sends "rtptime=-1": ignore values outside 32 bits instead of failing.
      else if (k === 'seq' && /^\d+$/.test(v) && Number(v) <= 0xffff) seq = Number(v);
      else if (k === 'rtptime' && /^\d+$/.test(v) && Number(v) <= 0xffffffff) rtptime = Number(v);
    }
    entries.push({ url, seq, rtptime });
  }
  return entries;
}

export function parsePublic(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(',')
      .map((m) => m.trim().toUpperCase())
      .filter((m) => m !== ''),
  );
}
