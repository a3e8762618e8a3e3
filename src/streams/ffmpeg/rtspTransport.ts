/** RTP transport for ffmpeg's `-rtsp_transport`: always explicit, ffmpeg's own default tries UDP first. */
export type FfmpegTransport = 'tcp' | 'udp';

/**
 * Whether ffmpeg's output says the camera refused the transport asked for, as ffmpeg 5 words it:
 * "method SETUP failed: 461 Unsupported transport".
 */
export function transportRefused(text: string): boolean {
  return /SETUP failed: 461|Unsupported transport/i.test(text);
}

export function otherTransport(t: FfmpegTransport): FfmpegTransport {
  return t === 'tcp' ? 'udp' : 'tcp';
}
