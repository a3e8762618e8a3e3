import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/jsonSchema.js';
import { pictureSchema } from '../../src/config/pictureSchema.js';
import { DEFAULT_THRESHOLDS } from '../../src/picture/assess.js';
import { rulesFor } from '../../src/picture/rules.js';
import { repoRoot } from '../helpers/cli.js';

/**
 * The calibrated built-in values, written out (as assess.ts had them before the schema stated
 * them, commit f4b88ba): both sides of the checks below come from one table, so comparing them
 * with each other could not catch a changed value. A change here is a recalibration, on purpose.
 */
const BUILT_IN = {
  darkLuma: 24,
  darkRatio: 0.4,
  coveredContrast: 6,
  coveredRatio: 0.2,
  blurRatio: 0.6,
  viewMinCorrelation: 0.5,
  frozenMaxDifference: 0.05,
  frozenMinShare: 0.9,
  nightChroma: 3,
};

/** The picture thresholds a user sees (JSON Schema, example config) are the ones the checks judge with. */
describe('picture thresholds: one table for the checks, the JSON Schema and the example config', () => {
  const thresholds = (): Record<string, { default?: unknown }> => {
    const picture = (configJsonSchema().properties as Record<string, { properties: Record<string, unknown> }>)
      .picture;
    const defaults = picture?.properties.defaults as { properties: Record<string, { default?: unknown }> };
    return defaults.properties;
  };

  it('the JSON Schema states every built-in threshold as the default of picture.defaults', () => {
    const stated = Object.fromEntries(Object.entries(thresholds()).map(([k, v]) => [k, v.default]));
    expect(stated).toEqual(BUILT_IN);
    expect({ ...DEFAULT_THRESHOLDS }).toEqual(BUILT_IN);
    expect(pictureSchema.parse({}).defaults).toEqual(BUILT_IN);
  });

  it('a class override replaces one threshold; the rest come from picture.defaults, then the built-in values', () => {
    const config = pictureSchema.parse({ defaults: { darkLuma: 30 }, classes: { lpr: { blurRatio: 0.3 } } });
    expect(config.defaults).toEqual({ ...DEFAULT_THRESHOLDS, darkLuma: 30 });
    expect(rulesFor(config, 'lpr')).toMatchObject({ ...DEFAULT_THRESHOLDS, darkLuma: 30, blurRatio: 0.3 });
    expect(rulesFor(config, 'overview')).toMatchObject({ ...DEFAULT_THRESHOLDS, darkLuma: 30 });
    expect(rulesFor(pictureSchema.parse({}), 'panoramic')).toMatchObject(DEFAULT_THRESHOLDS);
  });

  it('the example config names the built-in thresholds as they are', () => {
    const example = fs.readFileSync(path.join(repoRoot, 'config/camgate.example.yaml'), 'utf8');
    const named = [...example.matchAll(/\b([a-zA-Z]+) (\d+(?:\.\d+)?)\b/g)]
      .filter(([, k]) => k !== undefined && k in DEFAULT_THRESHOLDS)
      .map(([, k, v]) => [k, Number(v)]);
    expect(Object.fromEntries(named)).toEqual(BUILT_IN);
  });
});
