import type { StreamStats } from '../../shared/types.js';
import type { VideoParams } from './h264Sps.js';
import type { Presentation } from './presentation.js';
import type { RtpStats } from './rtpStats.js';
import type { SessionSample } from './rtspSessionOptions.js';
import type { RtpTransport } from './transportSetup.js';

/** Closes the stats window of a playing session and describes it as the stream's figures. */
export function takeSessionSample(
  stats: RtpStats,
  video: Presentation['video'],
  params: VideoParams | undefined,
  transport: RtpTransport | undefined,
  nowMs: number,
  /** Read in batches (readPacer.ts): arrival times are the reads', too coarse for jitter. */
  pacedReads = false,
): SessionSample {
  const window = stats.takeWindow(nowMs);
  const out: StreamStats = {
    codec: video.codec === 'other' ? video.encoding.toLowerCase() : video.codec,
    width: params?.width,
    height: params?.height,
    fps: window.fps ?? video.sdpFramerate,
    bitrateKbps: window.bitrateKbps,
    lossPct: window.lossPct,
    // Jitter compares timestamps with arrival; with unusable timestamps or batched reads there is
    // nothing to compare.
    jitterMs: window.timestampFault === undefined && !pacedReads ? window.jitterMs : undefined,
    keyframeIntervalS: window.keyframeIntervalS,
    transport,
    timestampFault: window.timestampFault,
  };
  return { stats: out, window };
}
