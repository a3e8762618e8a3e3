import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimSite } from '../../fixtures/sim/site.js';
import { loadConfigFile } from '../../src/config/load.js';
import { testBase } from '../fixtures/sim/helpers.js';
import { runCliInProcess } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tempDir.js';
import { tempConfig } from '../helpers/tempSite.js';
import { deferCleanup } from '../helpers/testCleanup.js';
import { startTestDaemon } from '../helpers/testDaemon.js';
import { SIM_PASSWORD, SIM_USER, startRecordingSite, until } from '../recording/simHelpers.js';

const WRONG_PASSWORD = 'not-the-pass-9';
let site: SimSite;

beforeAll(async () => {
  site = await startRecordingSite(1, testBase(35), 18350);
}, 120_000);
afterAll(() => site?.stop());

describe('camgate why shows the recorder side', () => {
  it("names the recording failure with ffmpeg's own last lines, and no password", async () => {
    const cam = site.cameras[0];
    if (!cam) throw new Error('sim camera missing');
    const recordings = useTempDir('camgate-why-rec-');
    const cfg = tempConfig(`mqtt: { url: "mqtt://127.0.0.1:1" }
credentials:
  - { match: good-1, username: ${SIM_USER}, password: ${SIM_PASSWORD} }
  - { match: bad-1, username: ${SIM_USER}, password: ${WRONG_PASSWORD} }
cameras:
  - { id: good-1, rtsp: "${cam.rtspMainUrl}" }
  - { id: bad-1, rtsp: "${cam.rtspMainUrl}" }
recording: { enabled: true, dir: ${recordings}, segmentSeconds: 10 }
`);
    deferCleanup(cfg.cleanup);
    await startTestDaemon({ config: loadConfigFile(cfg.configPath) });
    // ffmpeg is refused (401) and exits; once it has, its last lines are the evidence.
    const why = await until(
      async () => {
        const r = await runCliInProcess(['why', 'bad-1', '--config', cfg.configPath]);
        return /ffmpeg said:/.test(r.stdout) ? r : undefined;
      },
      30_000,
      'bad-1 recorder exit with stderr lines',
    );
    expect(why.code).toBe(0);
    expect(why.stdout).toMatch(/recording \(own\): (stale|unknown)/);
    expect(why.stdout).toMatch(/401|unauthori[sz]ed/i);
    expect(why.stdout).not.toContain(WRONG_PASSWORD);
    expect(why.stdout).not.toContain(SIM_PASSWORD);

    const json = await runCliInProcess(['why', 'bad-1', '--config', cfg.configPath, '--json']);
    const doc = JSON.parse(json.stdout) as { recording?: { recorder?: { stderrTail: string[] } } };
    expect(doc.recording?.recorder?.stderrTail.length).toBeGreaterThan(0);
    expect(json.stdout).not.toContain(WRONG_PASSWORD);

    // The healthy camera records: its why shows the recorder running, no failure lines needed.
    const good = await until(
      async () => {
        const r = await runCliInProcess(['why', 'good-1', '--config', cfg.configPath]);
        return /recording \(own\): ok/.test(r.stdout) ? r : undefined;
      },
      30_000,
      'good-1 recording ok',
    );
    expect(good.stdout).toMatch(/recorder: ffmpeg running, 1 start/);
  }, 90_000);
});
