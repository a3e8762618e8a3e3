import type { Log } from '../../shared/log.js';
import { OPEN, type ViewerSocket } from './viewerSockets.js';

/**
 * Bytes queued in the gateway for one viewer above which it stops getting live packets: 4 MB is
 * about 30 s of our 1 Mbit/s video. A tab the browser stopped reading, or an `ssh -L` link slower
 * than the stream, would otherwise keep ffmpeg's output in our memory without bound.
 */
export const MAX_VIEWER_BACKLOG = 4 * 1024 * 1024;

/** Not joined: waits for a join point (new, or fell behind and waiting for its backlog to drain). */
interface ViewerState {
  joined: boolean;
  fellBehind: boolean;
}

/**
 * Every viewer of one ffmpeg's MPEG-TS. A viewer starts at a join point (the burst of `TsJoinPoint`);
 * one whose backlog passes the limit gets nothing more until it has drained to an eighth of the
 * limit, then starts again at the next join point (a keyframe), so its decoder resumes on a whole
 * picture rather than in the middle of one. The page keeps its socket: it sees a jump, not an end.
 */
export class ViewerFanout {
  private readonly viewers = new Map<ViewerSocket, ViewerState>();

  constructor(
    private readonly log: Log,
    private readonly maxBacklog = MAX_VIEWER_BACKLOG,
  ) {}

  get size(): number {
    return this.viewers.size;
  }

  /** Viewers that fell behind and get no video until their backlog drains. */
  get behind(): number {
    let n = 0;
    for (const s of this.viewers.values()) if (s.fellBehind) n += 1;
    return n;
  }

  /** The largest number of bytes queued for one viewer. */
  get backlog(): number {
    let max = 0;
    for (const ws of this.viewers.keys()) max = Math.max(max, ws.bufferedAmount);
    return max;
  }

  sockets(): IterableIterator<ViewerSocket> {
    return this.viewers.keys();
  }

  add(ws: ViewerSocket): void {
    this.viewers.set(ws, { joined: false, fellBehind: false });
  }

  delete(ws: ViewerSocket): void {
    this.viewers.delete(ws);
  }

  clear(): void {
    this.viewers.clear();
  }

  /** A new ffmpeg: everyone waits for its first join point. */
  rejoinAll(): void {
    for (const s of this.viewers.values()) s.joined = false;
  }

  /** A viewer that is waiting gets `burst()` (a join point, or undefined when there is none yet). */
  join(ws: ViewerSocket, burst: () => Buffer | undefined): void {
    const state = this.viewers.get(ws);
    if (!state || state.joined || ws.bufferedAmount > this.maxBacklog / 8) return;
    const data = burst();
    if (!data) return;
    send(ws, data);
    state.joined = true;
    if (state.fellBehind) this.log.info({ viewers: this.viewers.size }, 'slow viewer caught up; rejoined');
    state.fellBehind = false;
  }

  /** Live packets for every joined viewer; waiting ones join if they can. */
  push(packets: Buffer, burst: () => Buffer | undefined): void {
    for (const [ws, state] of this.viewers) {
      if (!state.joined) {
        this.join(ws, burst);
      } else if (ws.bufferedAmount > this.maxBacklog) {
        state.joined = false;
        state.fellBehind = true;
        this.log.warn(
          { backlog: ws.bufferedAmount },
          'viewer too slow for the stream; skipping to a later keyframe',
        );
      } else {
        send(ws, packets);
      }
    }
  }
}

function send(ws: ViewerSocket, data: Buffer): void {
  if (ws.readyState === OPEN) ws.send(data, { binary: true });
}
