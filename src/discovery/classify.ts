import type { CameraClass } from '../shared/types.js';
import type { DeviceInformation, MediaProfile, VideoSource } from './onvifTypes.js';

/**
 * Camera class from what the camera says about itself. Pure: evidence in, verdict out, every
 * verdict explained. Strongest signal wins: config override > LPR event topics > LPR model >
 * panoramic view modes / lens > panoramic model or sensor shape > default overview.
 */
export interface ClassifyInput {
  readonly info: DeviceInformation;
  readonly scopes?: readonly string[];
  readonly eventTopics?: readonly string[];
  readonly profiles?: readonly MediaProfile[];
  readonly videoSources?: readonly VideoSource[];
  readonly viewModes?: readonly string[];
  readonly sourceDescriptions?: readonly string[];
  readonly ptzService?: boolean;
  readonly override?: CameraClass;
}

export interface Classification {
  readonly class: CameraClass;
  readonly ptz: boolean;
  readonly confidence: number;
  readonly evidence: readonly string[];
}

interface Vote {
  readonly class: CameraClass;
  readonly weight: number;
  readonly why: string;
}

const LPR_TOPIC =
  /LicensePlate|LicencePlate|PlateRecognition|PlateNumber|\bANPR\b|\bLPR\b|VehicleRecognition|TrafficCamera|Plate$/i;
/** Dahua ITC*, Hikvision iDS-TCM / DS-TC*, Hikvision ANPR "/P" variants (iDS-2CD7A26G0/P-IZHS), any *LPR / ANPR. */
const LPR_MODEL = /LPR|ANPR|^ITC\d|^DHI-ITC|^i?DS-TC|^iDS-TCM|\/P(?:-|$)/i;
const PANORAMIC_MODEL =
  /fish-?eye|panoram|PanoVu|^DS-2CD6[39]|^DS-2DP|^AXIS M30[4-9]\d|^M30[4-9]\d|^AXIS Q38|^AXIS P37|^IPC-EF|^IPC-PF|^DH-EF/i;
const PTZ_MODEL = /^DS-2D[EFY]|^AXIS Q6[0-2]|^AXIS P5[4-6]|^AXIS M5[0-5]|^SD\d|PTZ|Spectra/i;
const PANORAMIC_VIEW_MODES = new Set(['Fisheye', '360Panorama', '180Panorama', 'Quad', 'Dewarp']);

export function classify(input: ClassifyInput): Classification {
  const ptz = ptzEvidence(input);
  if (input.override) {
    return {
      class: input.override,
      ptz: ptz.on,
      confidence: 1,
      evidence: [`config: class ${input.override}`, ...ptz.why],
    };
  }
  const votes = [...lprVotes(input), ...panoramicVotes(input)];
  if (votes.length === 0) {
    const model = input.info.model ?? 'unknown model';
    return {
      class: 'overview',
      ptz: ptz.on,
      confidence: 0.6,
      evidence: [`no LPR or panoramic signal (${model})`, ...ptz.why],
    };
  }
  const best = votes.reduce((a, b) => (b.weight > a.weight ? b : a));
  const agreeing = votes.filter((v) => v.class === best.class);
  // Independent signals for the same class raise confidence (capped below certainty).
  const confidence = Math.min(0.99, 1 - agreeing.reduce((p, v) => p * (1 - v.weight), 1));
  return {
    class: best.class,
    ptz: ptz.on,
    confidence: Math.round(confidence * 100) / 100,
    evidence: [...agreeing.map((v) => v.why), ...ptz.why],
  };
}

function lprVotes(input: ClassifyInput): Vote[] {
  const votes: Vote[] = [];
  const topic = (input.eventTopics ?? []).find(
    (t) => LPR_TOPIC.test(t.split('/').pop() ?? t) || /LicensePlate|Recognition\/Plate/i.test(t),
  );
  if (topic) votes.push({ class: 'lpr', weight: 0.95, why: `event topic ${topic}` });
  const model = input.info.model ?? '';
  if (LPR_MODEL.test(model))
    votes.push({ class: 'lpr', weight: 0.85, why: `model ${model} matches an LPR/ANPR series` });
  const hw = (input.scopes ?? []).find((s) => /\/(hardware|name)\/.*(LPR|ANPR)/i.test(s));
  if (hw && !LPR_MODEL.test(model)) votes.push({ class: 'lpr', weight: 0.7, why: `scope ${hw}` });
  return votes;
}

function panoramicVotes(input: ClassifyInput): Vote[] {
  const votes: Vote[] = [];
  const modes = (input.viewModes ?? []).filter((m) => PANORAMIC_VIEW_MODES.has(m));
  if (modes.length) votes.push({ class: 'panoramic', weight: 0.9, why: `view modes ${modes.join(', ')}` });
  if ((input.profiles ?? []).some((p) => p.lens)) {
    votes.push({
      class: 'panoramic',
      weight: 0.8,
      why: 'video source has a LensDescription (fisheye optics)',
    });
  }
  const desc = (input.sourceDescriptions ?? []).find((d) => /fish-?eye|panoram|360/i.test(d));
  if (desc) votes.push({ class: 'panoramic', weight: 0.75, why: `video source mode "${desc}"` });
  const model = input.info.model ?? '';
  if (PANORAMIC_MODEL.test(model))
    votes.push({ class: 'panoramic', weight: 0.7, why: `model ${model} is a panoramic series` });
  const shape = sensorShape(input);
  if (shape) votes.push({ class: 'panoramic', weight: 0.65, why: shape });
  const sources = new Set((input.videoSources ?? []).map((s) => s.token));
  if (sources.size >= 2 && sources.size <= 8) {
    votes.push({ class: 'panoramic', weight: 0.5, why: `${sources.size} video sources (multi-sensor)` });
  }
  return votes;
}

/** ≈1:1 at ≥ 2K is a fisheye circle; ≥ 2.5:1 is a stitched panorama. */
function sensorShape(input: ClassifyInput): string | undefined {
  const sizes = [
    ...(input.videoSources ?? []).map((s) => [s.width, s.height] as const),
    ...(input.profiles ?? []).map((p) => [p.sourceWidth ?? p.width, p.sourceHeight ?? p.height] as const),
  ];
  for (const [w, h] of sizes) {
    if (!w || !h) continue;
    const ratio = w / h;
    if (ratio >= 0.9 && ratio <= 1.1 && Math.min(w, h) >= 1920) return `square ${w}x${h} sensor (fisheye)`;
    if (ratio >= 2.5) return `wide ${w}x${h} sensor (stitched panorama)`;
  }
  return undefined;
}

function ptzEvidence(input: ClassifyInput): { on: boolean; why: string[] } {
  const why: string[] = [];
  const profile = (input.profiles ?? []).find((p) => p.ptz);
  if (profile) why.push(`ptz: profile ${profile.token} has a pan/tilt PTZ configuration`);
  const model = input.info.model ?? '';
  if (PTZ_MODEL.test(model)) why.push(`ptz: model ${model} is a PTZ series`);
  return { on: why.length > 0, why };
}
