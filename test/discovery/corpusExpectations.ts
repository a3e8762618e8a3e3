import type { CameraClass } from '../../src/shared/types.js';

/**
 * Expected class (and PTZ flag) for EVERY device folder of the corpus; a new folder without a row
 * fails classify.test.ts. Shared with the replay integration test, which must reach the same verdict
 * through the real SOAP path.
 */
export const EXPECTED_CLASS: Readonly<Record<string, { class: CameraClass; ptz: boolean }>> = {
  'agsh-mockup': { class: 'overview', ptz: true },
  'axis-q6045-e': { class: 'overview', ptz: true },
  'dvc-dcn-bf5365': { class: 'overview', ptz: false },
  // The LPR unit declares a pan/tilt PTZ configuration for its motorised lens; the class is still lpr.
  'dvc-dcn-bm2220lpr': { class: 'lpr', ptz: true },
  'dvc-drn-3282r': { class: 'overview', ptz: false },
  'ezviz-ds-2de2c400ig-w-w': { class: 'overview', ptz: true },
  'hikvision-ds-2cd2012-i': { class: 'overview', ptz: false },
  'hikvision-ds-2df7276-ael': { class: 'overview', ptz: true },
  'mixed-ex_onvif': { class: 'overview', ptz: false },
  'mixed-hammeraj_onvif': { class: 'overview', ptz: false },
  'pelco-d6230l': { class: 'overview', ptz: true },
  'trendnet-tv-ip320pi': { class: 'overview', ptz: false },
};
