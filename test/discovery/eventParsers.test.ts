import { describe, expect, it } from 'vitest';
import { parseEventTopics } from '../../src/discovery/deviceParsers.js';
import { normaliseTopic, parsePullMessages, parseSubscription } from '../../src/discovery/eventParsers.js';
import { NS, parseXml, soapBody } from '../../src/discovery/xml.js';
import { PlateTopics } from '../../src/lpr/plateTopics.js';
import { CamgateError } from '../../src/shared/errors.js';
import { corpus } from './corpus.js';

/** The response element inside the Body of a corpus capture (parsed only; its addresses are never used). */
function response(file: string) {
  const body = soapBody(parseXml(corpus(file)));
  const first = body.firstChild;
  for (let n = first; n; n = n.nextSibling)
    if (n.nodeType === 1) return n as Parameters<typeof parseEventTopics>[0];
  throw new Error(`no response in ${file}`);
}

const DVC = 'dvc-dcn-bm2220lpr';

describe('GetEventProperties topic sets (real captures) and plate matching', () => {
  it('the DVC LPR unit lists motion, device and recording topics, and no plate topic', () => {
    const topics = parseEventTopics(response(`${DVC}/events.GetEventProperties.xml`));
    expect(topics).toContain('tns1:VideoSource/MotionAlarm');
    expect(topics).toContain('tns1:RuleEngine/CellMotionDetector/Motion');
    expect(topics).toContain('tns1:Device/Trigger/DigitalInput');
    expect(topics).toContain('tns1:Configuration/VideoSourceConfiguration/MediaService');
    // Repeated sibling roots (<tns1:Configuration> ×n) collapse into one list without duplicates.
    expect(new Set(topics).size).toBe(topics.length);
    expect(PlateTopics.withExtra([]).select(topics)).toEqual([]);
  });

  it.each([
    'hikvision-ds-2cd2012-i/events/GetEventProperties.Response.xml',
    'axis-q6045-e/events/GetEventProperties.Response.xml',
    'pelco-d6230l/events/GetEventProperties.Response.xml',
    'mixed-ex_onvif/get_event_properties.xml',
  ])('%s: topics parse, none is taken for a plate read', (file) => {
    const topics = parseEventTopics(response(file));
    expect(topics.length).toBeGreaterThan(3);
    for (const t of topics) expect(t).toMatch(/^([A-Za-z0-9]+:|\{[^}]+\})[A-Za-z]/);
    expect(PlateTopics.withExtra([]).select(topics)).toEqual([]);
  });
});

describe('CreatePullPointSubscription (real captures)', () => {
  it('DVC: the misspelt subsription path and a 60 s termination', () => {
    const sub = parseSubscription(response(`${DVC}/events.CreatePullPointSubscription.xml`));
    expect(sub.address).toMatch(/\/onvif\/event\/subsription_3$/);
    expect((sub.terminationTime ?? 0) - (sub.currentTime ?? 0)).toBe(60_000);
  });

  it('EZVIZ: the raw % in the timestamped address is kept as written', () => {
    const sub = parseSubscription(response('ezviz-ds-2de2c400ig-w-w/events.CreatePullPointSubscription.xml'));
    expect(sub.address).toContain('PullSubManager_');
    expect(sub.address).toContain('%');
  });

  it('Hikvision (pretty-printed, wsa 2005) parses', () => {
    const sub = parseSubscription(
      response('hikvision-ds-2df7276-ael/events/CreatePullPointSubscription.Response.xml'),
    );
    expect(sub.address).toMatch(/^http:\/\//);
    expect(sub.terminationTime).toBeGreaterThan(0);
  });

  it('a response without an address is malformed, not a crash', () => {
    const el = parseXml(`<r:CreatePullPointSubscriptionResponse xmlns:r="${NS.tev}"/>`);
    expect(() => parseSubscription(el)).toThrow(CamgateError);
  });
});

describe('PullMessages (real captures)', () => {
  it('DVC first pull: the burst of 7 Initialized state messages', () => {
    const r = parsePullMessages(response(`${DVC}/events.PullMessages.xml`));
    expect(r.messages).toHaveLength(7);
    expect(r.messages.every((m) => m.operation === 'Initialized')).toBe(true);
    expect(r.truncated).toBe(false);
    expect((r.terminationTime ?? 0) - (r.currentTime ?? 0)).toBe(60_000);
  });

  it('DVC motion: topic, time with milliseconds, Source and Data items', () => {
    const r = parsePullMessages(response(`${DVC}/events.PullMessagesMotion.xml`));
    expect(r.messages.map((m) => m.topic)).toEqual([
      'tns1:VideoSource/MotionAlarm',
      'tns1:RuleEngine/CellMotionDetector/Motion',
    ]);
    const cell = r.messages[1];
    expect(cell?.operation).toBe('Changed');
    expect(cell?.utcTime).toBe(Date.parse('2026-10-01T04:14:37.113Z'));
    expect(cell?.source).toEqual({
      VideoSourceConfigurationToken: 'VideoSource_token_1',
      VideoAnalyticsConfigurationToken: 'VideoAnalytics0',
      Rule: 'MotionDetectorRule',
    });
    expect(cell?.data).toEqual({ IsMotion: 'true' });
  });

  it.each([
    ['ezviz-ds-2de2c400ig-w-w/events.PullMessages.xml', 6],
    ['dvc-drn-3282r/events.PullMessages.xml', 50],
    ['mixed-ex_onvif/pull_messages.xml', 8],
  ])('%s: %i messages, none a plate read', (file, count) => {
    const r = parsePullMessages(response(file));
    expect(r.messages).toHaveLength(count);
    const plates = PlateTopics.withExtra([]);
    expect(r.messages.filter((m) => plates.match(m.topic))).toEqual([]);
  });

  it('a fault-shaped or foreign element is malformed', () => {
    const el = parseXml(`<x:Other xmlns:x="${NS.tev}"/>`);
    expect(() => parsePullMessages(el)).toThrow(/PullMessages: unexpected/);
  });
});

describe('normaliseTopic', () => {
  it('the ONVIF namespace under any prefix becomes tns1; vendor prefixes stay', () => {
    const lookup = (p: string) =>
      p === 'ns7' ? NS.topics : p === 'tnshik' ? 'http://www.hikvision.com/2011/event/topics' : null;
    expect(normaliseTopic('ns7:RuleEngine/VehicleDetector/tnshik:Vehicle', lookup)).toBe(
      'tns1:RuleEngine/VehicleDetector/tnshik:Vehicle',
    );
  });
});
