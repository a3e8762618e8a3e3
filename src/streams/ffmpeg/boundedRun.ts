import { spawn } from 'node:child_process';
import type { Clock } from '../../shared/clock.js';
import { CamgateError, type ErrorCode } from '../../shared/errors.js';
import { redactText } from '../../shared/redact.js';
import { RedactedStderr } from './redactedStderr.js';

export interface BoundedRunOptions {
  readonly args: readonly string[];
  readonly ffmpegPath?: string;
  /** Written to stdin, which is then closed; without it stdin is closed at once. */
  readonly stdin?: Buffer;
  /** More output than this kills ffmpeg: the run fails. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** What the run makes, for its errors ("thumbnail", "PNGs"). */
  readonly what: string;
  /** At the deadline, output of at least this many bytes is kept (ffmpeg killed) instead of failing. */
  readonly keepOnTimeout?: number;
  /** The code of a deadline error: `RTSP_TIMEOUT` where a camera is slow, else `FFMPEG`. */
  readonly timeoutCode?: ErrorCode;
}

export interface BoundedRun {
  readonly stdout: Buffer;
  /** ffmpeg's exit code; null when it was killed at the deadline with enough output. */
  readonly code: number | null;
  /** The last two lines of ffmpeg's stderr (of `stderrTail`), else a stdin error; redacted. */
  readonly why: string;
  /**
   * The last 2 kB of stderr, each line redacted before the cut (redactedStderr.ts): to look for a
   * cause that is not among the last lines (ffmpeg 6+ ends a failed open with "Error opening input
   * file(s)" lines after the cause).
   */
  readonly stderrTail: string;
  readonly timedOut: boolean;
}

/**
 * One ffmpeg run of ours that must not hang or flood the daemon (thumbnails for the picture
 * checks, PNGs for the pages): a hard deadline, a cap on stdout, an abort signal, SIGKILL on any
 * of them. It resolves with what ffmpeg wrote and how it ended; whether that is the expected
 * output is the caller's judgement. It rejects when ffmpeg cannot start, is aborted, writes too
 * much, or reaches the deadline without `keepOnTimeout` bytes.
 */
export function runFfmpegBounded(deps: { clock: Clock }, o: BoundedRunOptions): Promise<BoundedRun> {
  return new Promise<BoundedRun>((resolve, reject) => {
    // Not even a fork once stopping: a fork of the daemon blocks its loop 11-23 ms (#14).
    if (o.signal?.aborted) {
      reject(new CamgateError('FFMPEG', `${o.what} aborted`));
      return;
    }
    const child = spawn(o.ffmpegPath ?? 'ffmpeg', [...o.args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    const stderr = new RedactedStderr();
    let stdinError = '';
    let settled = false;
    const finish = (err: Error | undefined, code: number | null = null, timedOut = false): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      o.signal?.removeEventListener('abort', onAbort);
      if (err || timedOut) child.kill('SIGKILL');
      if (err) reject(err);
      else {
        const tail = stderr.text();
        const why = tail ? stderr.why() : redactText(stdinError);
        resolve({ stdout: Buffer.concat(chunks), code, why, stderrTail: tail, timedOut });
      }
    };
    const onAbort = (): void => finish(new CamgateError('FFMPEG', `${o.what} aborted`));
    const timer = deps.clock.setTimeout(() => {
      if (o.keepOnTimeout !== undefined && size >= o.keepOnTimeout) finish(undefined, null, true);
      else finish(new CamgateError(o.timeoutCode ?? 'FFMPEG', `no ${o.what} within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => finish(new CamgateError('FFMPEG', `ffmpeg did not start: ${err.message}`)));
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > o.maxBytes) finish(new CamgateError('FFMPEG', `${o.what} exceeds ${o.maxBytes} bytes`));
      else chunks.push(c);
    });
    // Decoded as a stream: a character split between two chunks stays whole.
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => stderr.push(c));
    child.on('close', (code) => finish(undefined, code));
    // ffmpeg refusing its input early gives EPIPE here; its stderr, which says why, is what the
    // caller reports, so the pipe error is only kept as a fallback explanation.
    child.stdin.on('error', (err) => {
      stdinError = err.message;
    });
    child.stdin.end(o.stdin);
  });
}
