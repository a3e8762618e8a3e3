import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/jsonSchema.js';
import { pictureSchema } from '../../src/config/pictureSchema.js';
import { DEFAULT_THRESHOLDS } from '../../src/picture/assess.js';
import { rulesFor } from '../../src/picture/rules.js';
import { repoRoot } from '../helpers/cli.js';

/** The picture thresholds a user sees (JSON Schema, example config) are the ones the checks judge with. */
describe('picture thresholds: the config schema is their one source', () => {
  const thresholds = (): Record<string, { default?: unknown }> => {
    const picture = (configJsonSchema().properties as Record<string, { properties: Record<string, unknown> }>)
      .picture;
    const defaults = picture?.properties.defaults as { properties: Record<string, { default?: unknown }> };
    return defaults.properties;
  };

  it('the JSON Schema states every built-in threshold as the default of picture.defaults', () => {
    const stated = Object.fromEntries(Object.entries(thresholds()).map(([k, v]) => [k, v.default]));
    expect(stated).toEqual({ ...DEFAULT_THRESHOLDS });
    expect(Object.keys(stated)).toHaveLength(9);
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
    expect(Object.fromEntries(named)).toEqual({ ...DEFAULT_THRESHOLDS });
  });
});
