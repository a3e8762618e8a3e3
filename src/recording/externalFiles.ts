import fs from 'node:fs/promises';
import path from 'node:path';
import type { Segment } from './segmentIndex.js';

/**
 * Files of an external recorder (another NVR, a vendor tool) found by a directory glob from
 * `recording.external[].pattern`: `*` and `?` match within one path component, `**` any depth
 * (bounded). A pattern naming a directory means the files directly inside it. We only read.
 */
export async function externalFiles(pattern: string, maxDepth = 6): Promise<Segment[]> {
  const abs = path.resolve(pattern);
  const parts = abs.split(path.sep).filter(Boolean);
  const out: Segment[] = [];
  await walk(path.sep, parts, out, maxDepth);
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs);
}

const MAGIC = /[*?[]/;

function toRegExp(component: string): RegExp {
  const body = component
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

async function walk(dir: string, rest: readonly string[], out: Segment[], depth: number): Promise<void> {
  const [head, ...tail] = rest;
  if (head === undefined) {
    await addEntry(dir, out, true);
    return;
  }
  if (head === '**') {
    await walk(dir, tail, out, depth);
    if (depth <= 0) return;
    for (const sub of await subdirs(dir)) await walk(sub, rest, out, depth - 1);
    return;
  }
  if (!MAGIC.test(head)) {
    await walk(path.join(dir, head), tail, out, depth);
    return;
  }
  const re = toRegExp(head);
  for (const name of await names(dir)) {
    if (re.test(name)) await walk(path.join(dir, name), tail, out, depth);
  }
}

/** A matched path: a file is a segment; a directory contributes the files directly inside it. */
async function addEntry(p: string, out: Segment[], expandDir: boolean): Promise<void> {
  const st = await statOrUndefined(p);
  if (!st) return;
  if (st.isFile()) {
    out.push({ path: p, name: path.basename(p), startMs: st.mtimeMs, size: st.size, mtimeMs: st.mtimeMs });
    return;
  }
  if (st.isDirectory() && expandDir)
    for (const name of await names(p)) await addEntry(path.join(p, name), out, false);
}

async function names(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Missing or not a directory: the pattern simply matches nothing here.
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
    throw err;
  });
  return entries.filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
}

async function statOrUndefined(p: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
