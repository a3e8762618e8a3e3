import { CamgateError } from '../../shared/errors.js';
import { parseH264Sps, type VideoParams } from './h264Sps.js';
import { parseH265Sps } from './h265Sps.js';
import { extractSps } from './nalUnits.js';
import type { RtspMessage } from './rtspMessage.js';
import { parseSdp, type SdpMedia } from './sdp.js';

export interface VideoTrack {
  readonly codec: 'h264' | 'h265' | 'other';
  readonly encoding: string;
  readonly payloadType?: number;
  readonly clockRate: number;
  readonly controlUrl: string;
  /** From the SPS in the SDP, when present and parseable. */
  readonly params?: VideoParams;
  readonly sdpFramerate?: number;
  /** The track's a=fmtp parameters (sprop parameter sets for keyframe captures). */
  readonly fmtp?: Readonly<Record<string, string>>;
}

/** What a DESCRIBE told us: the base URL and the first video track (the one we watch). */
export interface Presentation {
  readonly baseUrl: string;
  readonly video: VideoTrack;
  readonly mediaCount: number;
}

/**
 * Picks the base URL the RFC way (Content-Base, then Content-Location, then the request URL,
 * RFC 2326 C.1.1) but drops values that are not absolute rtsp URLs. Anjvision sends
 * "Content-Base: 192.168.1.10:554/stream0/" without a scheme.
 */
export function baseUrlOf(response: RtspMessage, requestUrl: string): string {
  for (const name of ['content-base', 'content-location']) {
    const value = response.headers.get(name);
    if (value && /^rtsps?:\/\//i.test(value)) return value;
  }
  return requestUrl;
}

/**
 * Resolves a control attribute against the base. Relative controls are appended after a "/"
 * the way ffmpeg and live555 clients do, not RFC 3986-joined: Dahua's base
 * "rtsp://…/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif/" with "trackID=0"
 * must become "…proto=Onvif/trackID=0", and H264DVR's "rtsp://…:554/camera" + "trackID=3"
 * must keep "camera".
 */
export function resolveControl(base: string, control: string | undefined): string {
  if (control === undefined || control === '' || control === '*') return base;
  if (/^rtsps?:\/\//i.test(control)) return control;
  return base.endsWith('/') ? `${base}${control}` : `${base}/${control}`;
}

export function parsePresentation(response: RtspMessage, requestUrl: string): Presentation {
  // No Content-Type at all is common (ffmpeg-based servers); a different type is not SDP.
  const type = response.headers.get('content-type');
  if (type !== undefined && !/application\/sdp/i.test(type)) {
    throw new CamgateError('RTSP_PROTOCOL', `DESCRIBE returned ${type}, not SDP`);
  }
  const sdp = parseSdp(response.body.toString('utf8'));
  const base = baseUrlOf(response, requestUrl);
  const sessionBase = resolveControl(base, sdp.sessionControl);
  const videos = sdp.media.filter((m) => m.type === 'video');
  const media = videos.find((m) => m.encoding === 'H264' || m.encoding === 'H265') ?? videos[0];
  if (!media) throw new CamgateError('RTSP_PROTOCOL', 'SDP has no video track');
  // Control URLs are relative to the Content-Base, not to a session-level absolute control.
  const controlUrl = resolveControl(
    /^rtsps?:\/\//i.test(sdp.sessionControl ?? '') ? sessionBase : base,
    media.control,
  );
  return { baseUrl: base, video: videoTrackOf(media, controlUrl), mediaCount: sdp.media.length };
}

function videoTrackOf(media: SdpMedia, controlUrl: string): VideoTrack {
  const codec = media.encoding === 'H264' ? 'h264' : media.encoding === 'H265' ? 'h265' : 'other';
  return {
    codec,
    encoding: media.encoding ?? 'unknown',
    payloadType: media.payloadType,
    clockRate: media.clockRate ?? 90_000,
    controlUrl,
    params: paramsFromFmtp(codec, media.fmtp),
    sdpFramerate: media.framerate,
    fmtp: media.fmtp,
  };
}

/** SPS from sprop-parameter-sets (H.264, RFC 6184) or sprop-sps (H.265, RFC 7798); undefined if absent or bad. */
export function paramsFromFmtp(
  codec: string,
  fmtp: Readonly<Record<string, string>>,
): VideoParams | undefined {
  try {
    if (codec === 'h264') {
      const sets = (fmtp['sprop-parameter-sets'] ?? '')
        .split(',')
        .map((s) => Buffer.from(s.trim(), 'base64'));
      const sps = sets.find((s) => ((s[0] ?? 0) & 0x1f) === 7);
      return sps ? parseH264Sps(sps) : undefined;
    }
    if (codec === 'h265') {
      const sps = fmtp['sprop-sps'];
      return sps ? parseH265Sps(Buffer.from(sps, 'base64')) : undefined;
    }
  } catch (err) {
    // A broken sprop is not fatal: the in-band SPS will tell us the size later.
    if (err instanceof CamgateError) return undefined;
    throw err;
  }
  return undefined;
}

/** The SPS inside an RTP packet (single NAL or aggregation), parsed; undefined if it has none. */
export function paramsFromRtpPacket(
  codec: 'h264' | 'h265',
  data: Uint8Array,
  offset: number,
  length: number,
): VideoParams | undefined {
  const headerLength = 12 + ((data[offset] ?? 0) & 0x0f) * 4;
  const sps = extractSps(codec, data, offset + headerLength, length - headerLength);
  if (!sps) return undefined;
  return codec === 'h264' ? parseH264Sps(sps) : parseH265Sps(sps);
}
