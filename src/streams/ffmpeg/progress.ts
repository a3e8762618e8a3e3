/**
 * Parser for ffmpeg's `-progress` output: blocks of `key=value` lines, each block ending with
 * `progress=continue` (or `progress=end` on exit). Pure: bytes in, snapshots out.
 */
export interface FfmpegProgress {
  readonly frame: number;
  readonly fps?: number;
  /** kbit/s as ffmpeg reports it; the segment muxer reports N/A, so often absent. */
  readonly bitrateKbps?: number;
  readonly totalSize?: number;
  /** Output timestamp in microseconds: the clock that must advance while recording works. */
  readonly outTimeUs?: number;
  readonly speed?: number;
  readonly end: boolean;
}

export class ProgressParser {
  private partial = '';
  private fields = new Map<string, string>();

  /** Feeds a chunk of stdout; returns the snapshots completed by it. */
  push(chunk: string): FfmpegProgress[] {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    const out: FfmpegProgress[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (key === 'progress') {
        out.push(toProgress(this.fields, value === 'end'));
        this.fields = new Map();
      } else {
        this.fields.set(key, value);
      }
    }
    return out;
  }
}

function num(value: string | undefined): number | undefined {
  if (value === undefined || value === 'N/A') return undefined;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) ? n : undefined;
}

function toProgress(fields: ReadonlyMap<string, string>, end: boolean): FfmpegProgress {
  // ffmpeg 4.x-6.x print out_time_ms in microseconds too (a long-standing misnomer), so prefer
  // out_time_us and fall back to out_time_ms only when the former is missing.
  const outTimeUs = num(fields.get('out_time_us')) ?? num(fields.get('out_time_ms'));
  const bitrate = fields.get('bitrate');
  const speed = fields.get('speed');
  return {
    frame: num(fields.get('frame')) ?? 0,
    fps: num(fields.get('fps')),
    bitrateKbps: bitrate ? num(bitrate.replace(/kbits\/s$/, '')) : undefined,
    totalSize: num(fields.get('total_size')),
    outTimeUs: outTimeUs !== undefined && outTimeUs >= 0 ? outTimeUs : undefined,
    speed: speed ? num(speed.replace(/x$/, '')) : undefined,
    end,
  };
}
