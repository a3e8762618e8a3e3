import { SEGMENT_EXTENSION } from '../streams/ffmpeg/recorderArgs.js';

// 20261121T001208+0200.ts, written by our recorder (strftime %Y%m%dT%H%M%S%z).
const NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})([+-])(\d{2})(\d{2})\.ts$/;

/** Start time (ms since epoch) encoded in one of our segment names, or undefined. */
export function segmentStartMs(name: string): number | undefined {
  if (!name.endsWith(SEGMENT_EXTENSION)) return undefined;
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offsetMin = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  const ms = local - offsetMin * 60_000;
  return Number.isFinite(ms) ? ms : undefined;
}
