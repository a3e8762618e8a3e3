import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/picture/assess.js';
import {
  THUMB_BYTES,
  THUMB_HEIGHT,
  THUMB_WIDTH,
  type Thumbnail,
  thumbnailOf,
} from '../../src/picture/measures.js';
import { PictureAlbum, rawOf, referenceFrom } from '../../src/picture/pictureAlbum.js';
import type { PictureRules } from '../../src/picture/pictureMachine.js';
import { systemClock } from '../../src/shared/clock.js';
import { silentLog } from '../../src/shared/log.js';
import { PictureRepo } from '../../src/store/pictureRepo.js';
import { Store } from '../../src/store/store.js';
import { splitPngs, thumbnailsToPng } from '../../src/streams/ffmpeg/thumbnailPng.js';
import { deferCleanup } from '../helpers/testCleanup.js';

const run = promisify(execFile);
const RULES: PictureRules = { ...DEFAULT_THRESHOLDS, raiseAfter: 2, clearAfter: 2, learnSamples: 3 };
const AT = '2026-12-05T10:00:00.000Z';

/** Bars and a gradient (a scene with structure), or one flat level; chroma away from grey: day. */
function thumb(level?: number): Thumbnail {
  const raw = new Uint8Array(THUMB_BYTES);
  for (let y = 0; y < THUMB_HEIGHT; y++)
    for (let x = 0; x < THUMB_WIDTH; x++)
      raw[y * THUMB_WIDTH + x] = level ?? 50 + (Math.floor(x / 16) % 2 === 0 ? 60 : 0) + y;
  raw.fill(168, THUMB_WIDTH * THUMB_HEIGHT);
  return thumbnailOf(raw);
}

describe('handover references (issue #17)', () => {
  it('a good picture becomes a one-sample reference of its mode; a dark or covered one is refused', () => {
    const good = referenceFrom(thumb(), RULES, AT);
    expect(good.ok).toBe(true);
    if (good.ok) expect(good.ref).toMatchObject({ mode: 'day', samples: 1, learntAt: AT });
    const dark = referenceFrom(thumb(5), RULES, AT);
    expect(dark).toMatchObject({ ok: false, reasons: ['picture_dark'] });
    const covered = referenceFrom(thumb(150), RULES, AT);
    expect(covered).toMatchObject({ ok: false, reasons: ['picture_covered'] });
  });

  it('the album keeps one latest sample per camera present, and a learnt reference keeps the sample that completed it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-album-'));
    deferCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    const store = Store.open({ dir, log: silentLog() });
    deferCleanup(() => store.close());
    const repo = new PictureRepo(store.db, 'boot-1');
    const present = new Set(['a', 'b']);
    const album = new PictureAlbum(() => present);
    album.record('a', thumb(), AT);
    album.record('gone', thumb(9), AT);
    expect(album.latestOf('gone')).toBeDefined();
    album.record('b', thumb(7), AT);
    // Three entries for two cameras present: the one that left the directory is dropped.
    expect(album.latestOf('gone')).toBeUndefined();
    expect(album.latestOf('b')?.raw).toEqual(rawOf(thumb(7)));

    const service = album.storeFor(repo);
    const good = referenceFrom(thumb(), RULES, AT);
    if (!good.ok) throw new Error('expected a reference');
    service.saveReference('a', good.ref);
    expect(repo.pictures('a')).toEqual([
      { mode: 'day', source: 'learnt', takenAt: AT, thumbnail: rawOf(thumb()) },
    ]);
    repo.setPicture('a', 'day', 'acceptance', rawOf(thumb()));
    expect(repo.pictures('a')[0]?.source).toBe('acceptance');
    expect(repo.references('a').day?.samples).toBe(1);
    // `picture reset` forgets the reference and its picture in one go.
    expect(service.clearReferences('a')).toBe(1);
    expect(repo.pictures('a')).toEqual([]);
  });

  it('ffmpeg turns the raw thumbnails back into 128×72 PNGs, one each, in order', async () => {
    const raws = [rawOf(thumb()), rawOf(thumb(5)), rawOf(thumb(200))];
    const pngs = await thumbnailsToPng({ clock: systemClock }, raws, {
      width: THUMB_WIDTH,
      height: THUMB_HEIGHT,
      timeoutMs: 30_000,
    });
    expect(pngs).toHaveLength(3);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camgate-png-'));
    deferCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    const means: number[] = [];
    for (const [i, png] of pngs.entries()) {
      const file = path.join(dir, `${i}.png`);
      fs.writeFileSync(file, png);
      const probe = await run('ffprobe', [
        ...['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', file],
      ]);
      expect(probe.stdout.trim()).toBe('png,128,72');
      const gray = await run(
        'ffmpeg',
        ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
        {
          encoding: 'buffer',
        },
      );
      const px = gray.stdout as Buffer;
      means.push(px.reduce((a, b) => a + b, 0) / px.length);
    }
    // The flat ones come back at their own level (order kept), within the yuv→rgb→gray round trip.
    expect(means[1]).toBeLessThan(40);
    expect(means[2]).toBeGreaterThan(170);
    expect(means[0]).toBeLessThan(means[2] ?? 0);
    expect(means[0]).toBeGreaterThan(means[1] ?? 0);
    await expect(
      thumbnailsToPng({ clock: systemClock }, [new Uint8Array(10)], {
        width: THUMB_WIDTH,
        height: THUMB_HEIGHT,
        timeoutMs: 30_000,
      }),
    ).rejects.toThrow(/expected 13824/);
  });

  it('PNGs back to back split on their chunks, not on a signature inside the data', () => {
    const chunk = (type: string, data: Buffer): Buffer => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
    };
    const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // An IDAT whose data holds a PNG signature and the letters IEND.
    const a = Buffer.concat([
      sig,
      chunk('IDAT', Buffer.concat([sig, Buffer.from('IEND')])),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const b = Buffer.concat([sig, chunk('IHDR', Buffer.alloc(13)), chunk('IEND', Buffer.alloc(0))]);
    expect(splitPngs(Buffer.concat([a, b]))).toEqual([a, b]);
    expect(() => splitPngs(Buffer.concat([a, b.subarray(0, 20)]))).toThrow(/cut short/);
    expect(() => splitPngs(Buffer.from('not a png'))).toThrow(/signature/);
  });
});
