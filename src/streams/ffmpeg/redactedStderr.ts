import { redactText } from '../../shared/redact.js';

/** The last 2 kB of stderr are enough to say why. */
export const STDERR_KEPT = 2048;
/** A line longer than this is a flood, not ffmpeg saying why: it is left out, not cut. */
export const STDERR_LINE_MAX = 64 * 1024;

/**
 * ffmpeg's stderr as a bounded run keeps it: each line is redacted whole *before* the 2 kB cut.
 * Redacting after the cut leaked a password: a cut through a stream URL loses its `rtsp://`, so
 * the redaction no longer sees "in:Tail-Secret-9@10.1.2.3/stream" as credentials, and that text
 * went into the FFMPEG error (log, MQTT cmd-resp, CLI). Cutting text already redacted is safe,
 * so the end of an overlong last line (a 461 after a long URL) is kept too.
 */
export class RedactedStderr {
  /** Redacted complete lines, each ending in "\n"; at most STDERR_KEPT characters, its end. */
  private kept = '';
  /** The line being written, not yet redacted (its start is never cut). */
  private line = '';
  /** The line being written passed STDERR_LINE_MAX: the rest of it is left out. */
  private overlong = false;

  push(text: string): void {
    // "\r" too: ffmpeg rewrites its progress line with it.
    const parts = text.split(/\r\n|\r|\n/);
    const last = parts.pop() ?? '';
    for (const part of parts) {
      this.add(part);
      this.endLine();
    }
    this.add(last);
  }

  /** The kept lines and the line in progress (ffmpeg killed mid-line), redacted, at most 2 kB. */
  text(): string {
    const current = this.overlong ? overlongMark() : redactText(this.line.trim());
    return (this.kept + current).slice(-STDERR_KEPT);
  }

  /** The last two lines in one, for an error message. */
  why(): string {
    return this.text().trim().split('\n').slice(-2).join(' ');
  }

  private add(part: string): void {
    if (this.overlong) return;
    this.line += part;
    if (this.line.length > STDERR_LINE_MAX) {
      this.overlong = true;
      this.line = '';
    }
  }

  private endLine(): void {
    const text = this.overlong ? overlongMark() : redactText(this.line.trim());
    this.overlong = false;
    this.line = '';
    if (text) this.kept = `${this.kept}${text}\n`.slice(-STDERR_KEPT);
  }
}

const overlongMark = (): string => `(a stderr line over ${STDERR_LINE_MAX} characters left out)`;
