import fs from 'node:fs';
import path from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { elementChildren, parseXml, soapBody } from '../../src/discovery/xml.js';
import { OnvifEdgeProbe, type SoapCaller } from '../../src/recording/edgeProbe.js';
import { planFor } from '../../src/recording/recordingPlans.js';
import { CamgateError } from '../../src/shared/errors.js';
import { silentLog } from '../../src/shared/log.js';

const CORPUS = '/work/shared/corpus/onvif';
const SEARCH_URL = 'http://127.0.0.9/onvif/search_service';
const HOUR = 3_600_000;

/** The response element inside Body, as discovery's SoapClient hands it over. */
function reply(file: string): Element {
  const body = soapBody(parseXml(fs.readFileSync(path.join(CORPUS, file), 'utf8')));
  const el = elementChildren(body)[0];
  if (!el) throw new Error(`${file}: empty body`);
  return el;
}

/** A camera answering from corpus captures; an action mapped to an Error throws it. */
function camera(answers: Record<string, string | Error>) {
  const calls: { action: string; body: string }[] = [];
  const soap: SoapCaller = {
    call: async (url, action, body) => {
      expect(url).toBe(SEARCH_URL);
      calls.push({ action, body });
      const a = answers[action];
      if (a === undefined) throw new CamgateError('ONVIF_FAULT', `${action}: ActionNotSupported`);
      if (a instanceof Error) throw a;
      return reply(a);
    },
  };
  return { soap, calls };
}

const summary = 'mixed-ex_onvif/get_recording_summary.xml';
const find = 'mixed-hammeraj_onvif/search/fixtures/find_recordings_success.xml';
const results = 'mixed-ex_onvif/get_recording_search_results.xml';
const signal = new AbortController().signal;

describe('OnvifEdgeProbe', () => {
  it('reads DataUntil from GetRecordingSummary and moves it onto our clock (camera 1 h ahead)', async () => {
    const cam = camera({ GetRecordingSummary: summary });
    const probe = new OnvifEdgeProbe({
      soap: cam.soap,
      searchUrl: async () => SEARCH_URL,
      clockOffsetMs: () => HOUR,
      log: silentLog(),
    });
    const at = await probe.latestWrite(signal);
    expect(new Date(at ?? 0).toISOString()).toBe('2024-12-13T07:08:49.000Z');
    expect(cam.calls.map((c) => c.action)).toEqual(['GetRecordingSummary']);
  });

  it('falls back to FindRecordings when GetRecordingSummary is refused, ends the search, and skips the summary afterwards', async () => {
    const cam = camera({ FindRecordings: find, GetRecordingSearchResults: results, EndSearch: results });
    const probe = new OnvifEdgeProbe({
      soap: cam.soap,
      searchUrl: async () => SEARCH_URL,
      clockOffsetMs: () => -30_000,
      log: silentLog(),
    });
    const at = await probe.latestWrite(signal);
    // Camera 30 s behind ours: its 16:28:00 is our 16:28:30.
    expect(new Date(at ?? 0).toISOString()).toBe('2025-03-15T16:28:30.000Z');
    expect(cam.calls.map((c) => c.action)).toEqual([
      'GetRecordingSummary',
      'FindRecordings',
      'GetRecordingSearchResults',
      'EndSearch',
    ]);
    expect(cam.calls[2]?.body).toContain('<SearchToken>RecordingSearchToken_1</SearchToken>');
    expect(cam.calls[3]?.body).toContain('<SearchToken>RecordingSearchToken_1</SearchToken>');
    await probe.latestWrite(signal);
    expect(cam.calls.slice(4).map((c) => c.action)).toEqual([
      'FindRecordings',
      'GetRecordingSearchResults',
      'EndSearch',
    ]);
  });

  it('a failing EndSearch does not spoil the answer; a failing search does, with its message', async () => {
    const ok = camera({
      FindRecordings: find,
      GetRecordingSearchResults: results,
      EndSearch: new CamgateError('ONVIF_TIMEOUT', 'EndSearch timed out'),
    });
    const deps = { searchUrl: async () => SEARCH_URL, clockOffsetMs: () => 0, log: silentLog() };
    expect(await new OnvifEdgeProbe({ ...deps, soap: ok.soap }).latestWrite(signal)).toBe(
      Date.parse('2025-03-15T16:28:00Z'),
    );
    const broken = camera({
      GetRecordingSummary: new CamgateError('ONVIF_MALFORMED', 'malformed XML: unclosed tag'),
    });
    await expect(new OnvifEdgeProbe({ ...deps, soap: broken.soap }).latestWrite(signal)).rejects.toThrow(
      'malformed XML: unclosed tag',
    );
  });

  it('a camera without a search service is reported as such, and asked for its services again next time', async () => {
    const cam = camera({ GetRecordingSummary: summary });
    let asked = 0;
    const probe = new OnvifEdgeProbe({
      soap: cam.soap,
      searchUrl: async () => {
        asked += 1;
        return asked > 1 ? SEARCH_URL : undefined;
      },
      clockOffsetMs: () => 0,
      log: silentLog(),
    });
    await expect(probe.latestWrite(signal)).rejects.toMatchObject({
      code: 'ONVIF_UNSUPPORTED',
      message: expect.stringContaining('no ONVIF search service (Profile G)'),
    });
    expect(await probe.latestWrite(signal)).toBe(Date.parse('2024-12-13T08:08:49Z'));
    await probe.latestWrite(signal);
    expect(asked).toBe(2);
  });
});

describe('planFor: which source verifies a camera', () => {
  const camera = {
    id: 'cam-1',
    address: '127.0.0.9',
    xaddr: 'http://127.0.0.9/onvif/device_service',
    profiles: [{ token: 'm', name: 'm', rtspUrl: 'rtsp://127.0.0.9/main', role: 'main' as const }],
  };
  const edge = { latestWrite: async () => undefined };
  const plan = (recording: { enabled?: boolean; external?: string[]; edge?: string[] }) =>
    planFor(
      camera,
      {
        cameras: [],
        recording: {
          enabled: recording.enabled ?? false,
          dir: '/tmp/x',
          profile: 'main',
          segmentSeconds: 60,
          retentionDays: 1,
          minFreePercent: 10,
          external: (recording.external ?? []).map((c) => ({ camera: c, pattern: '/srv/*.mp4' })),
          edge: (recording.edge ?? []).map((c) => ({ camera: c })),
        },
      },
      () => undefined,
      () => edge,
    );

  it.each([
    [{ enabled: true, external: ['cam-1'], edge: ['cam-1'] }, 'external'],
    [{ enabled: true, edge: ['cam-1'] }, 'edge'],
    [{ enabled: true, edge: ['other'] }, 'own'],
    [{ enabled: false, edge: ['other'] }, 'none'],
  ])('%j → %s', (recording, source) => {
    expect(plan(recording).source).toBe(source);
  });

  it('an edge plan carries the probe and a key without secrets that survives a sweep update', () => {
    const p = plan({ edge: ['cam-1'] });
    expect(p.edge).toBe(edge);
    expect(p.key).toBe(plan({ edge: ['cam-1'] }).key);
    expect(p.key).toContain('127.0.0.9');
  });
});
