import fs from 'node:fs/promises';
import path from 'node:path';

export interface DiskSpace {
  readonly totalBytes: number;
  /** Available to an unprivileged writer (f_bavail), which is what ffmpeg and SQLite get. */
  readonly freeBytes: number;
}

/** statfs of the filesystem holding `dir` (or its nearest existing parent). */
export async function diskSpace(dir: string): Promise<DiskSpace> {
  const st = await fs.statfs(await existingAncestor(dir));
  return { totalBytes: st.blocks * st.bsize, freeBytes: st.bavail * st.bsize };
}

/**
 * True when both paths live on one filesystem (same st_dev). Then a filling recordings disk also
 * starves the SQLite database of room for its WAL, so the daemon warns at start.
 */
export async function sameFilesystem(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([
    fs.stat(await existingAncestor(a)),
    fs.stat(await existingAncestor(b)),
  ]);
  return sa.dev === sb.dev;
}

/** The filesystem questions storage asks; tests give a fake disk that fills on cue. */
export interface DiskProbe {
  space(dir: string): Promise<DiskSpace>;
  sameFilesystem(a: string, b: string): Promise<boolean>;
}

export const localDisk: DiskProbe = { space: diskSpace, sameFilesystem };

async function existingAncestor(dir: string): Promise<string> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      await fs.access(current);
      return current;
    } catch (err) {
      const parent = path.dirname(current);
      if (parent === current) throw err;
      current = parent;
    }
  }
}
