import fs from 'node:fs';
import path from 'node:path';
import type { Log } from '../shared/log.js';

/** SQLite says SQLITE_FULL for ENOSPC on the database or its WAL; plain fs calls say ENOSPC. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

export const RESERVE_FILE = 'camgate.reserve';

/** 2 % of the filesystem, at least 512 KiB, at most 16 MiB: room for the alarm and a few hundred events. */
export function reserveBytesFor(dir: string): number {
  const st = fs.statfsSync(dir);
  return Math.min(16 << 20, Math.max(512 << 10, Math.floor(st.blocks * st.bsize * 0.02)));
}

/**
 * A ballast file beside the database. When the disk fills, deleting it gives the database room to
 * write the alarm (and the events of the next minutes) through the ordinary outbox, so the centre
 * hears of the full disk instead of silence; it is recreated once the disk has room again.
 */
export class Reserve {
  private constructor(
    readonly file: string,
    readonly bytes: number,
  ) {}

  static in(dir: string, bytes = reserveBytesFor(dir)): Reserve {
    return new Reserve(path.join(dir, RESERVE_FILE), bytes);
  }

  get held(): boolean {
    return fs.existsSync(this.file) && fs.statSync(this.file).size >= this.bytes;
  }

  /** Writes the ballast (real blocks, fsynced: a sparse file would free nothing). False when there is no room. */
  fill(log: Log): boolean {
    if (this.held) return true;
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.file, 'w', 0o640);
      const chunk = Buffer.alloc(64 << 10);
      for (let at = 0; at < this.bytes; at += chunk.length) {
        fs.writeSync(fd, chunk, 0, Math.min(chunk.length, this.bytes - at), at);
      }
      fs.fsyncSync(fd);
      return true;
    } catch (err) {
      if (!isDiskFull(err)) log.warn({ err, file: this.file }, 'could not write the disk reserve');
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
      fs.rmSync(this.file, { force: true });
      return false;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }

  /** Free bytes for us on the filesystem. */
  freeBytes(): number {
    const st = fs.statfsSync(path.dirname(this.file));
    return st.bavail * st.bsize;
  }
}
