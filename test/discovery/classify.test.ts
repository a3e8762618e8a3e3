import { describe, expect, it } from 'vitest';
import { classify } from '../../src/discovery/classify.js';
import { deviceFolders } from './corpus.js';
import { classifyInputFor } from './corpusDevice.js';
import { EXPECTED_CLASS } from './corpusExpectations.js';

const EXPECTED = EXPECTED_CLASS;

describe('classify over every corpus device', () => {
  it('has an expectation for every folder', () => {
    expect(deviceFolders()).toEqual(Object.keys(EXPECTED).sort());
  });
  it.each(deviceFolders())('%s', (device) => {
    const verdict = classify(classifyInputFor(device));
    expect({ class: verdict.class, ptz: verdict.ptz }).toEqual(EXPECTED[device]);
    expect(verdict.evidence.length).toBeGreaterThan(0);
    expect(verdict.confidence).toBeGreaterThan(0);
    expect(verdict.confidence).toBeLessThanOrEqual(1);
  });
});

describe('classify signals', () => {
  const base = { info: { manufacturer: 'X', model: 'CAM-1' } };
  it('LPR event topic wins with high confidence', () => {
    const v = classify({ ...base, eventTopics: ['tns1:RuleEngine/Recognition/LicensePlate'] });
    expect(v.class).toBe('lpr');
    expect(v.confidence).toBeGreaterThanOrEqual(0.95);
    expect(v.evidence[0]).toContain('LicensePlate');
  });
  it.each([
    ['DCN-BM2220LPR', 'lpr'],
    ['ITC237-PW6M-IRLZF-B', 'lpr'],
    ['iDS-2CD7A26G0/P-IZHS', 'lpr'],
    ['DS-TCG406-E', 'lpr'],
    ['iDS-TCM403-BI', 'lpr'],
    ['DS-2CD6365G0E-IVS', 'panoramic'],
    ['AXIS M3058-PLVE', 'panoramic'],
    ['DS-2CD2143G2-I', 'overview'],
  ] as const)('model %s → %s', (model, cls) => {
    expect(classify({ info: { model } }).class).toBe(cls);
  });
  it('fisheye view mode and square 2K+ sensor → panoramic, signals combine', () => {
    const v = classify({
      ...base,
      viewModes: ['Fisheye', '360Panorama'],
      videoSources: [{ token: 'v', width: 2560, height: 2560, viewModes: [] }],
    });
    expect(v.class).toBe('panoramic');
    expect(v.confidence).toBeGreaterThan(0.9);
    expect(v.evidence.join(' ')).toMatch(/Fisheye.*square 2560x2560/);
  });
  it('stitched 3:1 sensor → panoramic; a square VGA sensor is not', () => {
    expect(
      classify({ ...base, videoSources: [{ token: 'v', width: 5760, height: 1920, viewModes: [] }] }).class,
    ).toBe('panoramic');
    expect(
      classify({ ...base, videoSources: [{ token: 'v', width: 640, height: 640, viewModes: [] }] }).class,
    ).toBe('overview');
  });
  it('config override beats every signal', () => {
    const v = classify({
      ...base,
      eventTopics: ['tns1:RuleEngine/Recognition/LicensePlate'],
      override: 'overview',
    });
    expect(v).toMatchObject({ class: 'overview', confidence: 1 });
  });
});
