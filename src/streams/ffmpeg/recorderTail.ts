import { redactText } from '../../shared/redact.js';

/**
 * The last N stderr lines of a recorder, for `camgate why`. ffmpeg prints the input URL in its
 * errors (`rtsp://admin:secret@…: Connection refused`), so every line is redacted on entry.
 */
export class StderrTail {
  private readonly buffer: string[] = [];

  constructor(private readonly max: number) {}

  push(line: string): void {
    const text = redactText(line.trimEnd());
    if (!text) return;
    this.buffer.push(text);
    if (this.buffer.length > this.max) this.buffer.splice(0, this.buffer.length - this.max);
  }

  lines(): readonly string[] {
    return [...this.buffer];
  }
}
