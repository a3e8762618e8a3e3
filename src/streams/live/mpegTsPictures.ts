/**
 * Counts MPEG-1 pictures in the MPEG-TS that ffmpeg writes, so the live page can say frames are
 * advancing without decoding them. TS packets are 188 bytes with sync byte 0x47 (ISO/IEC 13818-1
 * §2.4.3.2); a picture starts with the start code 00 00 01 00 (ISO/IEC 11172-2 §2.4.2.5). Chunks
 * from a pipe split packets and start codes anywhere, so both carry over between calls.
 */
export class MpegTsPictureCounter {
  private pending = Buffer.alloc(0);
  /** Last three payload bytes of the video PID, for start codes split across packets. */
  private window = 0xffffff;
  private videoPid: number | undefined;
  pictures = 0;

  push(chunk: Buffer): number {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let found = 0;
    let i = 0;
    while (i + 188 <= buf.length) {
      if (buf[i] !== 0x47) {
        i += 1; // resynchronise on the next sync byte
        continue;
      }
      found += this.packet(buf.subarray(i, i + 188));
      i += 188;
    }
    buf = buf.subarray(i);
    this.pending = Buffer.from(buf);
    this.pictures += found;
    return found;
  }

  private packet(p: Buffer): number {
    const pid = (((p[1] ?? 0) & 0x1f) << 8) | (p[2] ?? 0);
    const unitStart = ((p[1] ?? 0) & 0x40) !== 0;
    const afc = ((p[3] ?? 0) >> 4) & 3;
    if ((afc & 1) === 0) return 0;
    const start = 4 + (afc & 2 ? 1 + (p[4] ?? 0) : 0);
    if (start >= 188) return 0;
    const payload = p.subarray(start);
    // The video PID is the one whose PES header carries a video stream id (0xE0-0xEF).
    if (this.videoPid === undefined && unitStart && isVideoPes(payload)) this.videoPid = pid;
    if (pid !== this.videoPid) return 0;
    let count = 0;
    for (const byte of payload) {
      if (this.window === 0x000001 && byte === 0x00) count += 1;
      this.window = ((this.window << 8) | byte) & 0xffffff;
    }
    return count;
  }
}

function isVideoPes(payload: Buffer): boolean {
  return payload[0] === 0 && payload[1] === 0 && payload[2] === 1 && ((payload[3] ?? 0) & 0xf0) === 0xe0;
}
