import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  latestVideoWrite,
  parseFindRecordings,
  parseOnvifTime,
  parseRecordingSearchResults,
  parseRecordingSummary,
} from '../../src/discovery/recordingSearchParsers.js';
import { CamgateError } from '../../src/shared/errors.js';

const CORPUS = '/work/shared/corpus/onvif';
const read = (rel: string) => fs.readFileSync(path.join(CORPUS, rel), 'utf8');
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

const envelope = (body: string) =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tse="http://www.onvif.org/ver10/search/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><s:Body>${body}</s:Body></s:Envelope>`;

describe('ONVIF Profile G replies (corpus)', () => {
  it.each([
    'mixed-ex_onvif/get_recording_summary.xml',
    'mixed-hammeraj_onvif/search/fixtures/get_recording_summary__success.xml',
  ])('GetRecordingSummary %s gives DataUntil', (file) => {
    const s = parseRecordingSummary(read(file));
    expect(iso(s.dataUntil)).toBe('2024-12-13T08:08:49.000Z');
    expect(iso(s.dataFrom)).toBe('1970-01-01T00:00:00.000Z');
    expect(s.numberRecordings).toBe(8);
  });

  it.each([
    'mixed-ex_onvif/get_recording_search_results.xml',
    'mixed-hammeraj_onvif/search/fixtures/get_recording_search_results_success.xml',
  ])('GetRecordingSearchResults %s gives recordings, tracks and the latest video write', (file) => {
    const r = parseRecordingSearchResults(read(file));
    expect(r.state).toBe('Completed');
    expect(r.recordings).toHaveLength(1);
    const rec = r.recordings[0];
    expect(rec?.token).toBe('OnvifRecordingToken_1');
    expect(rec?.sourceName).toBe('IpCamera_1');
    expect(rec?.status).toBe('Stopped');
    expect(rec?.tracks.map((t) => t.type)).toEqual(['Video', 'Audio', 'Metadata']);
    expect(iso(latestVideoWrite(r))).toBe('2025-03-15T16:28:00.000Z');
  });

  it.each([
    'mixed-ex_onvif/find_recordings.xml',
    'mixed-hammeraj_onvif/search/fixtures/find_recordings_success.xml',
  ])('FindRecordings %s gives the search token', (file) => {
    expect(parseFindRecordings(read(file))).toMatch(/SearchToken/);
  });
});

describe('ONVIF Profile G edge cases', () => {
  it('reads a zone-less DataUntil as UTC and an offset one correctly', () => {
    expect(iso(parseOnvifTime('2025-03-15T16:28:00'))).toBe('2025-03-15T16:28:00.000Z');
    expect(iso(parseOnvifTime('2025-03-15T18:28:00.5+02:00'))).toBe('2025-03-15T16:28:00.500Z');
    expect(parseOnvifTime('yesterday')).toBeUndefined();
  });

  it('a summary without DataUntil (no recordings yet) has none, not a made-up time', () => {
    const s = parseRecordingSummary(
      envelope(
        '<tse:GetRecordingSummaryResponse><tse:Summary><tt:NumberRecordings>0</tt:NumberRecordings></tse:Summary></tse:GetRecordingSummaryResponse>',
      ),
    );
    expect(s.dataUntil).toBeUndefined();
    expect(s.numberRecordings).toBe(0);
  });

  it('an empty result list has no latest write', () => {
    const r = parseRecordingSearchResults(
      envelope(
        '<tse:GetRecordingSearchResultsResponse><tse:ResultList><tt:SearchState>Completed</tt:SearchState></tse:ResultList></tse:GetRecordingSearchResultsResponse>',
      ),
    );
    expect(r.recordings).toEqual([]);
    expect(latestVideoWrite(r)).toBeUndefined();
  });

  it.each([
    [
      'a SOAP fault',
      envelope(
        '<s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text>ActionNotSupported</s:Text></s:Reason></s:Fault>',
      ),
      'ONVIF_FAULT',
    ],
    ['not XML', 'HTTP/1.1 500 oops', 'ONVIF_MALFORMED'],
    ['a DOCTYPE (entity expansion)', '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', 'ONVIF_MALFORMED'],
    ['no Summary', envelope('<tse:GetRecordingSummaryResponse/>'), 'ONVIF_MALFORMED'],
  ])('rejects %s with a coded error', (_name, xml, code) => {
    try {
      parseRecordingSummary(xml);
      expect.unreachable('should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(CamgateError);
      expect((err as CamgateError).code).toBe(code);
    }
  });
});
