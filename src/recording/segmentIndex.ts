import fs from 'node:fs/promises';
import path from 'node:path';
import { segmentStartMs } from './segmentName.js';

export interface Segment {
  readonly path: string;
  readonly name: string;
  /** From the name for our recorder; from mtime for files we did not name. */
  readonly startMs: number;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * What one camera's directory holds. Closed segments never change, so a rescan stats only new
 * names and the newest (still growing) file: cheap enough to run every few seconds for 64 cameras.
 */
export class SegmentIndex {
  private readonly byName = new Map<string, Segment>();
  private sorted: Segment[] = [];
  private lastNewest: string | undefined;

  constructor(readonly dir: string) {}

  /** Rescans; returns segments that appeared since the previous scan (oldest first). */
  async scan(): Promise<Segment[]> {
    const names = await readNames(this.dir);
    const present = new Set(names);
    for (const name of [...this.byName.keys()]) if (!present.has(name)) this.byName.delete(name);
    const ours = names.filter((n) => segmentStartMs(n) !== undefined).sort();
    const newest = ours[ours.length - 1];
    const added: Segment[] = [];
    for (const name of ours) {
      const known = this.byName.has(name);
      // The previous newest was still growing when last statted: stat it once more, now closed.
      if (known && name !== newest && name !== this.lastNewest) continue;
      const seg = await statSegment(this.dir, name);
      if (!seg) continue;
      this.byName.set(name, seg);
      if (!known) added.push(seg);
    }
    this.sorted = [...this.byName.values()].sort((a, b) => a.startMs - b.startMs);
    this.lastNewest = newest;
    return added;
  }

  segments(): readonly Segment[] {
    return this.sorted;
  }

  newest(): Segment | undefined {
    return this.sorted[this.sorted.length - 1];
  }

  totalBytes(): number {
    return this.sorted.reduce((sum, s) => sum + s.size, 0);
  }

  /** After retention deleted files, forget them without a rescan. */
  forget(paths: readonly string[]): void {
    const gone = new Set(paths);
    for (const [name, seg] of this.byName) if (gone.has(seg.path)) this.byName.delete(name);
    this.sorted = this.sorted.filter((s) => !gone.has(s.path));
  }
}

async function readNames(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    // A directory that does not exist yet simply holds nothing (the recorder creates it).
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function statSegment(dir: string, name: string): Promise<Segment | undefined> {
  const file = path.join(dir, name);
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return undefined;
    const startMs = segmentStartMs(name) ?? st.mtimeMs;
    return { path: file, name, startMs, size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    // Retention (ours or the external recorder's) may delete between readdir and stat.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
