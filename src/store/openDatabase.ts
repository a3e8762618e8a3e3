import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CamgateError, errorMessage } from '../shared/errors.js';
import type { Log } from '../shared/log.js';
import type { Counters } from './highWater.js';

type Db = Database.Database;

/** What `openChecked` found: a healthy handle, or a file that is provably not a sound database. */
export type OpenResult = { readonly db: Db } | { readonly corrupt: string };

/**
 * Only these mean the file itself is damaged. Everything else (EACCES, EIO, a full disk,
 * SQLITE_BUSY from another process) says nothing about the data: moving such a database aside
 * would throw away a healthy outbox and history, so it is refused instead and systemd retries.
 */
const CORRUPT_CODES = /^SQLITE_(CORRUPT|NOTADB)/;

export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && CORRUPT_CODES.test(code);
}

/** Opens and runs quick_check. Throws STORE_OPEN (path and errno named) for anything but corruption. */
export function openChecked(file: string, log: Log, configure: (db: Db) => void): OpenResult {
  preflight(file);
  let db: Db | undefined;
  try {
    db = new Database(file);
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') {
      closeQuietly(db, log);
      return { corrupt: `quick_check: ${String(result).slice(0, 200)}` };
    }
    configure(db);
    return { db };
  } catch (err) {
    closeQuietly(db, log);
    if (isCorruption(err)) return { corrupt: `${codeOf(err)}: ${errorMessage(err)}` };
    throw new CamgateError(
      'STORE_OPEN',
      `cannot open database ${file}: ${codeOf(err)} (${errorMessage(err)}); not corrupt, so it is left as it is`,
      { cause: err },
    );
  }
}

/**
 * SQLite reports a permission or I/O problem as SQLITE_CANTOPEN without the OS error; asking the
 * filesystem first names the errno (EACCES, EROFS, EISDIR, EIO) in the message the operator sees.
 */
export function preflight(file: string): void {
  const dir = path.dirname(file);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    if (!fs.existsSync(file)) return;
    if (fs.statSync(file).isDirectory()) {
      throw Object.assign(new Error(`${file} is a directory`), { code: 'EISDIR' });
    }
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (err) {
    throw new CamgateError(
      'STORE_OPEN',
      `cannot open database ${file}: ${codeOf(err)} (${errorMessage(err)}); not corrupt, so it is left as it is`,
      { cause: err },
    );
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

function closeQuietly(db: Db | undefined, log: Log): void {
  try {
    db?.close();
  } catch (err) {
    log.debug({ err }, 'close after a failed open');
  }
}

export function moveAside(file: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, aside);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, aside + suffix);
  }
  return aside;
}

/** What a corrupt file still tells about the counters and the unsent events; best effort, may be nothing. */
export interface Salvage extends Partial<Counters> {
  /** Lowest seq still in the outbox (not yet acknowledged by the broker). */
  readonly firstUnacked?: number;
}

export function salvage(file: string, bdSeqKey: string, log: Log): Salvage {
  let db: Db | undefined;
  const out: { seq?: number; bdSeq?: number; firstUnacked?: number } = {};
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const read = <T>(sql: string, ...args: unknown[]): T | undefined => {
      try {
        return db?.prepare(sql).get(...args) as T | undefined;
      } catch (err) {
        log.debug({ err, sql }, 'salvage query failed on the corrupt database');
        return undefined;
      }
    };
    const seq = read<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")?.seq;
    const bdSeq = Number(read<{ value: string }>('SELECT value FROM kv WHERE key = ?', bdSeqKey)?.value);
    const first = read<{ m: number | null }>('SELECT MIN(seq) AS m FROM outbox')?.m;
    if (Number.isSafeInteger(seq) && (seq ?? -1) >= 0) out.seq = seq;
    if (Number.isSafeInteger(bdSeq) && bdSeq >= 0) out.bdSeq = bdSeq;
    if (typeof first === 'number' && Number.isSafeInteger(first) && first > 0) out.firstUnacked = first;
  } catch (err) {
    log.debug({ err, file }, 'corrupt database not readable for salvage');
  } finally {
    closeQuietly(db, log);
  }
  return out;
}
