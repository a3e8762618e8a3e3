import { CamgateError } from '../../shared/errors.js';

export interface SdpMedia {
  /** `video`, `audio`, `application`; TP-Link's `application/TP-LINK` is cut at the slash. */
  readonly type: string;
  readonly formats: readonly string[];
  readonly control?: string;
  readonly payloadType?: number;
  /** Upper-cased encoding name from rtpmap (`H264`, `H265`, `PCMA`...). */
  readonly encoding?: string;
  readonly clockRate?: number;
  readonly fmtp: Readonly<Record<string, string>>;
  readonly framerate?: number;
  readonly dimensions?: { readonly width: number; readonly height: number };
}

export interface Sdp {
  readonly sessionControl?: string;
  readonly media: readonly SdpMedia[];
}

interface MutableMedia {
  type: string;
  formats: string[];
  control?: string;
  payloadType?: number;
  encoding?: string;
  clockRate?: number;
  fmtp: Record<string, string>;
  framerate?: number;
  dimensions?: { width: number; height: number };
}

const MAX_LINES = 512;

/** Lenient SDP (RFC 4566) parser: tolerates LF-only lines, trailing blanks and attribute order quirks. */
export function parseSdp(text: string): Sdp {
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) throw new CamgateError('RTSP_TOO_LARGE', 'SDP has too many lines');
  if (!lines.some((l) => l.startsWith('v=') || l.startsWith('m='))) {
    throw new CamgateError('RTSP_PROTOCOL', 'body is not SDP');
  }
  let sessionControl: string | undefined;
  const media: MutableMedia[] = [];
  for (const raw of lines) {
    // VStarcam: "m=audio 0 RTP/AVP 8\t " — trailing whitespace; H264DVR: "a=rtpmap:96 H264/90000 ".
    const line = raw.trim();
    if (line.startsWith('m=')) {
      const [type = '', , , ...formats] = line.slice(2).split(/\s+/);
      media.push({ type: type.split('/')[0] ?? type, formats, fmtp: {} });
      continue;
    }
    if (!line.startsWith('a=')) continue;
    const current = media[media.length - 1];
    const colon = line.indexOf(':');
    const name = colon < 0 ? line.slice(2) : line.slice(2, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (!current) {
      if (name === 'control') sessionControl = value;
      continue;
    }
    applyAttribute(current, name, value);
  }
  return { sessionControl, media };
}

function applyAttribute(m: MutableMedia, name: string, value: string): void {
  switch (name) {
    case 'control':
      m.control = value;
      break;
    case 'rtpmap': {
      const r = /^(\d+)\s+([^/\s]+)\/(\d+)/.exec(value);
      if (!r) break;
      m.payloadType = Number(r[1]);
      m.encoding = (r[2] ?? '').toUpperCase();
      m.clockRate = Number(r[3]);
      break;
    }
    case 'fmtp':
      // Ubiquiti sends a bare "a=fmtp:96"; the value after the payload type may be empty.
      m.fmtp = parseFmtp(value.replace(/^\d+\s*/, ''));
      break;
    case 'framerate': {
      // H264DVR sends "a=framerate:0S" and then "a=framerate:25": keep the last sane value.
      const fps = Number.parseFloat(value);
      if (Number.isFinite(fps) && fps > 0 && fps <= 300) m.framerate = fps;
      break;
    }
    case 'x-framerate': {
      const fps = Number.parseFloat(value);
      if (Number.isFinite(fps) && fps > 0 && fps <= 300 && m.framerate === undefined) m.framerate = fps;
      break;
    }
    case 'x-dimensions': {
      // Hikvision "1920,1080", Anjvision "1280, 720".
      const d = /^(\d+)\s*,\s*(\d+)/.exec(value);
      if (d) m.dimensions = { width: Number(d[1]), height: Number(d[2]) };
      break;
    }
  }
}

/** `key=value; key=value` with keys lower-cased; values keep `=` padding (base64 in sprop-*). */
export function parseFmtp(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return out;
}
