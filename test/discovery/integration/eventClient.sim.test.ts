import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimSite, startSite } from '../../../fixtures/sim/site.js';
import { EventClient } from '../../../src/discovery/eventClient.js';
import { SoapClient } from '../../../src/discovery/soapClient.js';
import { PlateTopics } from '../../../src/lpr/plateTopics.js';
import { systemClock } from '../../../src/shared/clock.js';
import { CamgateError } from '../../../src/shared/errors.js';
import { systemNet } from '../../../src/shared/net.js';
import { testBase } from '../../fixtures/sim/helpers.js';

const USER = 'admin';
const PASSWORD = 'ev-secret-3';
let site: SimSite;

beforeAll(async () => {
  site = await startSite({
    cameras: [
      { kind: 'lpr', id: 'gate', events: { platesPerMinute: 120, motionEverySeconds: 0 } },
      { kind: 'lpr', id: 'dvc-as-captured', events: { plateTopic: false, motionEverySeconds: 1 } },
      { kind: 'overview', id: 'yard', events: { motionEverySeconds: 1 } },
    ],
    baseAddress: testBase(171),
    discovery: false,
    onvifPort: 18710,
    rtspPort: 18711,
    username: USER,
    password: PASSWORD,
  });
}, 120_000);
afterAll(() => site?.stop());

function camera(id: string) {
  const cam = site.cameras.find((c) => c.id === id);
  if (!cam) throw new Error(`no sim camera ${id}`);
  return cam;
}

function client(id: string, deadlineMs = 15_000): EventClient {
  const cam = camera(id);
  const soap = new SoapClient(
    { clock: systemClock, net: systemNet },
    {
      credential: { username: USER, password: PASSWORD, allowBasic: false },
      deadlineMs,
      maxBytes: 1_000_000,
    },
  );
  return new EventClient(soap, cam.address);
}

const plates = PlateTopics.withExtra([]);

describe('ONVIF PullPoint client against the simulator', () => {
  it('an LPR camera lists a plate topic; the captured DVC unit and an overview camera only motion', async () => {
    for (const [id, expected] of [
      ['gate', ['tns1:RuleEngine/Recognition/LicensePlate']],
      ['dvc-as-captured', []],
      ['yard', []],
    ] as const) {
      const ev = client(id);
      const url = await ev.serviceUrl(camera(id).xaddr);
      expect(url).toMatch(/\/onvif\/event_service$/);
      const topics = await ev.topics(url);
      expect(topics).toContain('tns1:RuleEngine/CellMotionDetector/Motion');
      expect(plates.select(topics)).toEqual(expected);
    }
  });

  it('subscribe, the Initialized burst, plates at the set rate, rate 0 stops them, renew, unsubscribe', async () => {
    const gate = camera('gate');
    const ev = client('gate');
    const sub = await ev.subscribe(await ev.serviceUrl(gate.xaddr), 60);
    expect(sub.address).toContain(`http://${gate.address}:`);
    expect(sub.address).toContain('/onvif/event/subsription_');
    const first = await ev.pull(sub.address, 2, 100);
    expect(first.messages.filter((m) => m.operation === 'Initialized').length).toBeGreaterThanOrEqual(2);
    // 120 a minute: one every 0.5 s; a long-poll returns as soon as one is there.
    let read = 0;
    const until = systemClock.monotonic() + 10_000;
    while (read < 3 && systemClock.monotonic() < until) {
      const r = await ev.pull(sub.address, 2, 100);
      read += r.messages.filter((m) => plates.match(m.topic)).length;
    }
    expect(read).toBeGreaterThanOrEqual(3);
    gate.setPlateRate(0);
    await systemClock.sleep(400);
    await ev.pull(sub.address, 1, 100); // drains what was queued before the switch
    const quiet = await ev.pull(sub.address, 2, 100);
    expect(quiet.messages.filter((m) => plates.match(m.topic))).toEqual([]);
    const renewed = await ev.renew(sub.address, 120);
    expect(renewed.terminationTime).toBeGreaterThan(Date.now() + 100_000);
    expect(Math.abs((renewed.currentTime ?? 0) - Date.now())).toBeLessThan(5_000);
    await ev.unsubscribe(sub.address);
    await expect(ev.pull(sub.address, 1, 10)).rejects.toThrow(/ResourceUnknown|no such subscription/);
    gate.setPlateRate(120);
  }, 40_000);

  it('a camera reboot loses the subscription (pull fails), a new one works', async () => {
    const cam = camera('yard');
    const ev = client('yard', 3000);
    const url = await ev.serviceUrl(cam.xaddr);
    const sub = await ev.subscribe(url, 60);
    await ev.pull(sub.address, 1, 10);
    cam.setFault('stop', true);
    await systemClock.sleep(300);
    cam.setFault('stop', false);
    let err: unknown;
    const deadline = systemClock.monotonic() + 10_000;
    for (;;) {
      err = await ev.pull(sub.address, 1, 10).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (err instanceof CamgateError && err.code === 'ONVIF_FAULT') break;
      if (systemClock.monotonic() > deadline) throw new Error(`no fault after reboot: ${String(err)}`);
      await systemClock.sleep(200);
    }
    const again = await ev.subscribe(url, 60);
    const r = await ev.pull(again.address, 3, 10);
    expect(r.messages.length).toBeGreaterThan(0);
  }, 30_000);
});
