/**
 * Precision and recall of the picture checks on the labelled set (issue #17, "done when"):
 * `npx tsx bench/picture-accuracy.ts [--verbose]`. Pictures are real JPEGs made by ffmpeg
 * (fixtures/sim/pictureScenes.ts, cached in the temp dir) and reduced by the daemon's own ffmpeg
 * thumbnail step; the default thresholds and hysteresis of the `picture` config are used.
 */

import { evaluate, falseAlarms, score } from '../fixtures/sim/pictureEvaluate.js';
import { labelledCases } from '../fixtures/sim/pictureLabelled.js';
import { pictureSchema } from '../src/config/pictureSchema.js';
import { rulesFor } from '../src/picture/rules.js';

const verbose = process.argv.includes('--verbose');
const cases = labelledCases();
const started = performance.now();
const results = await evaluate(cases, rulesFor(pictureSchema.parse({}), 'overview'));
const pct = (a: number, b: number): string => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)}%`);
console.log(
  `labelled set: ${cases.length} cases, ${cases.reduce((n, c) => n + c.samples.length, 0)} checks of two grabs`,
);
console.log('| fault | precision | recall (clear) | recall (weak) |');
console.log('|---|---|---|---|');
for (const s of score(results)) {
  const precision = pct(s.truePositives, s.truePositives + s.falsePositives);
  console.log(
    `| ${s.reason} | ${precision} (${s.truePositives}/${s.truePositives + s.falsePositives}) | ${pct(s.clearFound, s.clearCases)} (${s.clearFound}/${s.clearCases}) | ${pct(s.weakFound, s.weakCases)} (${s.weakFound}/${s.weakCases}) |`,
  );
}
const normal = results.filter((r) => r.case.label === 'normal');
const alarms = falseAlarms(results);
console.log(`normal set: ${alarms.length} false alarms in ${normal.length} cases`);
for (const r of verbose
  ? results
  : [
      ...alarms,
      ...results.filter((x) => x.case.label !== 'normal' && !x.raised.includes(x.case.label as never)),
    ])
  console.log(
    `  ${r.case.name} (${r.case.label}${r.case.strength ? ` ${r.case.strength}` : ''}): raised [${r.raised.join(', ')}]`,
  );
console.log(`took ${((performance.now() - started) / 1000).toFixed(1)} s`);
