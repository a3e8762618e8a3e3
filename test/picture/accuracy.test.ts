import { describe, expect, it } from 'vitest';
import { evaluate, falseAlarms, score } from '../../fixtures/sim/pictureEvaluate.js';
import { labelledCases } from '../../fixtures/sim/pictureLabelled.js';
import { pictureSchema } from '../../src/config/pictureSchema.js';
import { rulesFor } from '../../src/picture/rules.js';

/**
 * The labelled set of issue #17's "done when" (fixtures/sim/pictureLabelled.ts: two scenes, day
 * and night-like, every fault at three strengths, normal changes), through the daemon's own ffmpeg
 * thumbnail step and the default rules with hysteresis. bench/picture-accuracy.ts prints the table.
 * The JPEGs are made once per machine (cached in the temp dir): the first run takes minutes.
 */
describe('picture checks on the labelled set', () => {
  it('no false alarm on the normal set, every clear fault found, and nothing raised but the fault', async () => {
    const results = await evaluate(labelledCases(), rulesFor(pictureSchema.parse({}), 'overview'));
    expect(falseAlarms(results).map((r) => `${r.case.name}: ${r.raised.join(',')}`)).toEqual([]);
    for (const s of score(results)) {
      expect(s.clearCases, s.reason).toBeGreaterThanOrEqual(8);
      expect(s.clearFound / s.clearCases, `${s.reason} recall on clear faults`).toBeGreaterThanOrEqual(0.95);
      expect(s.falsePositives, `${s.reason} raised on cases of another label`).toBe(0);
    }
  }, 900_000);
});
