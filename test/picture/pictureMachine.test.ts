import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/picture/assess.js';
import {
  measure,
  THUMB_BYTES,
  THUMB_HEIGHT,
  THUMB_WIDTH,
  type Thumbnail,
  thumbnailOf,
  unchangedShare,
  viewCorrelation,
} from '../../src/picture/measures.js';
import {
  initialPictureState,
  type PictureRules,
  type PictureState,
  reducePicture,
} from '../../src/picture/pictureMachine.js';

const RULES: PictureRules = { ...DEFAULT_THRESHOLDS, raiseAfter: 2, clearAfter: 2, learnSamples: 3 };

/** A synthetic thumbnail: luma from `f(x, y)`, flat chroma `chroma` away from grey, seeded noise. */
function thumb(
  f: (x: number, y: number) => number,
  opts: { chroma?: number; noise?: number; seed?: number } = {},
): Thumbnail {
  const raw = new Uint8Array(THUMB_BYTES);
  let s = (opts.seed ?? 1) * 2654435761;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 0x1_0000_0000 - 0.5;
  };
  for (let y = 0; y < THUMB_HEIGHT; y++)
    for (let x = 0; x < THUMB_WIDTH; x++)
      raw[y * THUMB_WIDTH + x] = Math.max(
        0,
        Math.min(255, Math.round(f(x, y) + (opts.noise ?? 3) * rnd() * 2)),
      );
  raw.fill(128 + (opts.chroma ?? 40), THUMB_WIDTH * THUMB_HEIGHT);
  return thumbnailOf(raw);
}

/** A scene with structure at several scales: bars, a box, a gradient. */
const scene =
  (gain = 1, offset = 0, dx = 0) =>
  (x: number, y: number) => {
    const X = x + dx;
    const bars = Math.floor(X / 16) % 2 === 0 ? 60 : 0;
    const box = X > 70 && X < 100 && y > 20 && y < 50 ? 80 : 0;
    return (50 + bars + box + y) * gain + offset;
  };

function run(state: PictureState, t: Thumbnail, streamAdvancing = true) {
  return reducePicture(
    state,
    { type: 'sample', thumbnail: t, streamAdvancing },
    '2026-12-05T10:00:00.000Z',
    RULES,
  );
}

/** One check of two grabs a few seconds apart. */
function pair(state: PictureState, first: Thumbnail, second: Thumbnail, streamAdvancing = true) {
  return reducePicture(
    state,
    { type: 'sample', thumbnail: first, second, streamAdvancing },
    '2026-12-05T10:00:00.000Z',
    RULES,
  );
}

function learnt(): PictureState {
  let s = initialPictureState();
  for (const seed of [1, 2, 3, 4]) s = run(s, thumb(scene(), { seed })).state;
  return s;
}

describe('picture measures', () => {
  it('refuses a buffer that is not exactly one thumbnail', () => {
    expect(() => thumbnailOf(new Uint8Array(THUMB_BYTES - 1))).toThrow(/expected 13824/);
  });

  it('the view correlation ignores lighting (gain and offset) and falls for a shifted view', () => {
    const ref = measure(thumb(scene())).grid;
    expect(viewCorrelation(measure(thumb(scene(0.6, 30), { seed: 2 })).grid, ref)).toBeGreaterThan(0.9);
    expect(viewCorrelation(measure(thumb(scene(1, 0, 40), { seed: 3 })).grid, ref)).toBeLessThan(0.5);
    expect(viewCorrelation(measure(thumb(() => 100)).grid, ref)).toBeUndefined();
  });

  it('frozen: every block unchanged between identical samples, few with fresh noise', () => {
    const a = thumb(scene(), { seed: 5 });
    expect(unchangedShare(a.y, thumb(scene(), { seed: 5 }).y, 0.3)).toBe(1);
    expect(unchangedShare(a.y, thumb(scene(), { seed: 6 }).y, 0.3)).toBeLessThan(0.2);
  });
});

describe('the picture machine', () => {
  it('learns a reference from three good samples, then is ok', () => {
    let s = initialPictureState();
    const statuses: string[] = [];
    for (const seed of [1, 2, 3]) {
      const step = run(s, thumb(scene(), { seed }));
      s = step.state;
      statuses.push(s.status);
      if (seed === 3) expect(step.learnt).toMatchObject({ mode: 'day', samples: 3 });
    }
    expect(statuses).toEqual(['learning', 'learning', 'ok']);
  });

  it('raises only after two bad samples in a row (a passing truck is one) and clears after two good ones', () => {
    let s = learnt();
    const black = thumb(() => 8, { chroma: 0, noise: 1 });
    s = run(s, black).state;
    expect(s.reasons).toEqual([]);
    s = run(s, thumb(scene(), { seed: 9 })).state;
    s = run(s, black).state;
    expect(s.reasons).toEqual([]);
    const second = run(
      s,
      thumb(() => 9, { chroma: 0, noise: 1 }),
    );
    expect(second.changed).toBe(true);
    expect(second.state).toMatchObject({ status: 'degraded', reasons: ['picture_dark'] });
    s = run(second.state, thumb(scene(), { seed: 11 })).state;
    expect(s.reasons).toEqual(['picture_dark']);
    s = run(s, thumb(scene(), { seed: 12 })).state;
    expect(s).toMatchObject({ status: 'ok', reasons: [] });
  });

  it('covered (flat, lit), blurred, turned and frozen (no second grab: judged against the previous check) each raise their own reason', () => {
    const cases: [string, (i: number) => Thumbnail][] = [
      ['picture_covered', (i) => thumb(() => 120, { seed: 20 + i })],
      ['picture_blurred', (i) => thumb((x, y) => 80 + 0.3 * x + 0.2 * y, { seed: 30 + i, noise: 0.5 })],
      ['view_changed', (i) => thumb(scene(1, 0, 40), { seed: 40 + i })],
      ['picture_frozen', () => thumb(scene(), { seed: 50 })],
    ];
    for (const [reason, make] of cases) {
      let s = learnt();
      for (let i = 0; i < 3; i++) s = run(s, make(i)).state;
      expect(s.reasons, reason).toEqual([reason]);
    }
  });

  it('frozen is judged within each check: two identical grabs raise it at the second check (issue #17: within two intervals)', () => {
    let s = learnt();
    const frozen = thumb(scene(), { seed: 50 });
    // A burnt-in clock still ticks in one corner block over the frozen picture.
    const ticked = (n: number): Thumbnail => {
      const t = thumb(scene(), { seed: 50 });
      t.y.fill(n * 40, 0, 6);
      return t;
    };
    const first = pair(s, frozen, ticked(1));
    expect(first.state.last).toMatchObject({ reasons: ['picture_frozen'] });
    expect(first.state.reasons).toEqual([]);
    const second = pair(first.state, ticked(2), ticked(3));
    expect(second.changed).toBe(true);
    expect(second.state).toMatchObject({ status: 'degraded', reasons: ['picture_frozen'] });
    expect(second.state.last?.unchanged).toBeGreaterThan(0.99);
    s = pair(second.state, thumb(scene(), { seed: 51 }), thumb(scene(), { seed: 52 })).state;
    s = pair(s, thumb(scene(), { seed: 53 }), thumb(scene(), { seed: 54 })).state;
    expect(s).toMatchObject({ status: 'ok', reasons: [] });
  });

  it('a live still scene is not frozen: its grabs differ by faint sensor noise', () => {
    let s = learnt();
    for (let i = 0; i < 4; i++)
      s = pair(
        s,
        thumb(scene(), { seed: 90 + 2 * i, noise: 0.6 }),
        thumb(scene(), { seed: 91 + 2 * i, noise: 0.6 }),
      ).state;
    expect(s.last?.unchanged).toBeLessThan(0.9);
    expect(s.reasons).toEqual([]);
  });

  it('grabs that match within each check but not across checks (the light drifts between them) are not frozen', () => {
    let s = learnt();
    for (let i = 0; i < 4; i++) {
      const quiet = thumb(scene(1, 2 * i), { seed: 95, noise: 0 });
      s = pair(s, quiet, quiet).state;
      expect(s.last?.reasons).toContain('picture_frozen');
    }
    expect(s.last?.unchangedSincePrevious).toBeLessThan(0.1);
    expect(s.reasons).toEqual([]);
  });

  it('a repeated picture is not frozen while the stream itself is stalled (that is the stream’s fault)', () => {
    let s = learnt();
    for (let i = 0; i < 3; i++) s = run(s, thumb(scene(), { seed: 60 }), false).state;
    expect(s.reasons).toEqual([]);
  });

  it('an IR (monochrome) night picture learns its own reference and is not dark', () => {
    let s = learnt();
    const night = (seed: number) => thumb(scene(0.5, 10), { chroma: 0, seed, noise: 6 });
    for (const seed of [70, 71, 72, 73]) s = run(s, night(seed)).state;
    expect(s.status).toBe('ok');
    expect(Object.keys(s.references).sort()).toEqual(['day', 'night']);
    expect(s.reasons).toEqual([]);
  });

  it('reset forgets the references and clears raised reasons', () => {
    let s = learnt();
    for (let i = 0; i < 2; i++) s = run(s, thumb(scene(1, 0, 40), { seed: 80 + i })).state;
    expect(s.reasons).toEqual(['view_changed']);
    const step = reducePicture(s, { type: 'reset' }, 'x', RULES);
    expect(step.changed).toBe(true);
    expect(step.state).toMatchObject({ status: 'unknown', reasons: [], references: {} });
  });
});
