/**
 * Power-cut loop (run as root or not: `npx tsc -p tsconfig.build.json && npx tsx bench/killLoop.ts [kills]`,
 * default 120): the built daemon with a real Mosquitto and flapping simulated cameras, SIGKILLed at
 * random moments and restarted, then drained, then its database torn and rebuilt. Prints the
 * figures as JSON; exits 1 when anything committed was lost, a seq was reused, or quick_check
 * failed. The suite runs 10 kills of the same loop (test/app/killLoop.test.ts).
 */
import { runKillLoop } from '../test/helpers/killLoop.js';

const kills = Number(process.argv[2] ?? '120');
const result = await runKillLoop({
  kills,
  cameras: 4,
  minRunMs: 100,
  maxRunMs: 4000,
  fileOctet: 206,
  progress: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
const ok =
  result.quickCheckFailures === 0 &&
  result.missingSeqs.length === 0 &&
  result.committedNotReceived === 0 &&
  result.queuedAtOrBelowDrained === 0 &&
  result.seqCollisions === 0 &&
  (result.rebuilt?.seq ?? 0) > result.maxSeq;
process.exit(ok ? 0 : 1);
