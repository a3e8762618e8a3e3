import { existsSync, readFileSync } from 'node:fs';

/** What bench/blockProbe.mjs wrote (see there). */
interface ProbeFile {
  blocks: { endUs: number; ms: number; cpuMs: number }[];
  gcs: { startUs: number; ms: number; kind: number }[];
}

export interface BlockFigures {
  /** The longest loop block in the window, wall ms, and the process CPU ms inside it. */
  readonly maxWallMs: number;
  readonly cpuOfMaxWallMs: number;
  /** The block with the most CPU inside it: what the daemon itself held the loop for. */
  readonly maxCpuMs: number;
  /** Blocks over 50 ms wall, and how many of them had over 50 ms of CPU. */
  readonly over50: number;
  readonly over50Cpu: number;
  /** The longest GC pause in the window (minor or major), ms. */
  readonly maxGcMs: number;
}

/** The daemon's probe file, or undefined when the daemon did not write one. */
export function readProbe(prefix: string, pid: number): ProbeFile | undefined {
  const file = `${prefix}.${pid}.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ProbeFile) : undefined;
}

/** The blocks that ended in [fromUs, toUs] (CLOCK_MONOTONIC µs). */
export function blockFigures(p: ProbeFile, fromUs: number, toUs: number): BlockFigures {
  const blocks = p.blocks.filter((b) => b.endUs >= fromUs && b.endUs <= toUs);
  const longest = blocks.reduce<ProbeFile['blocks'][number] | undefined>(
    (a, b) => (a === undefined || b.ms > a.ms ? b : a),
    undefined,
  );
  const gcs = p.gcs.filter((g) => g.startUs >= fromUs && g.startUs <= toUs);
  return {
    maxWallMs: longest?.ms ?? 0,
    cpuOfMaxWallMs: longest?.cpuMs ?? 0,
    maxCpuMs: Math.max(0, ...blocks.map((b) => b.cpuMs)),
    over50: blocks.filter((b) => b.ms > 50).length,
    over50Cpu: blocks.filter((b) => b.cpuMs > 50).length,
    maxGcMs: Math.max(0, ...gcs.map((g) => g.ms)),
  };
}
