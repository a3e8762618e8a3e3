import { CamgateError, errorMessage } from '../shared/errors.js';
import type { CameraClass, StreamProfile } from '../shared/types.js';
import { type Classification, type ClassifyInput, classify } from './classify.js';
import { macFor } from './deviceParsers.js';
import { isAuth, isFault, type OnvifDevice } from './onvifDevice.js';
import type { DeviceInformation, MediaProfile, ServiceMap } from './onvifTypes.js';
import { scopeValue } from './wsDiscovery.js';

/** A device found by multicast, unicast sweep, Hello or config, before we talked SOAP to it. */
export interface DiscoveredTarget {
  readonly address: string;
  readonly xaddr: string;
  readonly endpointRef?: string;
  readonly scopes?: readonly string[];
  readonly via: 'multicast' | 'unicast' | 'hello' | 'config';
}

export interface Interrogation {
  readonly target: DiscoveredTarget;
  readonly info: DeviceInformation;
  readonly mac?: string;
  readonly profiles: readonly StreamProfile[];
  readonly snapshotUri?: string;
  readonly clockOffsetMs?: number;
  readonly classification: Classification;
  readonly problem?: { readonly code: string; readonly message: string };
}

export type ClassOverride = (facts: {
  address: string;
  serial?: string;
  mac?: string;
}) => CameraClass | undefined;

interface Facts {
  info: DeviceInformation;
  mac?: string;
  clockOffsetMs?: number;
  profiles: StreamProfile[];
  snapshotUri?: string;
  input: Omit<ClassifyInput, 'info' | 'override'>;
}

/**
 * Asks one device everything discovery needs, in the order ONVIF Core §5.9.1 implies (clock
 * first, unauthenticated). Never throws: a failing camera comes back with `problem` set and as
 * much as was learnt before the failure. Optional calls that the camera does not implement
 * (a SOAP fault) are skipped; a timeout, oversize or malformed answer anywhere is the problem.
 */
export async function interrogate(
  device: OnvifDevice & { setClockOffset?(ms: number | undefined): void },
  target: DiscoveredTarget,
  override?: ClassOverride,
): Promise<Interrogation> {
  const facts: Facts = { info: {}, profiles: [], input: { scopes: target.scopes ?? [] } };
  let problem: Interrogation['problem'];
  try {
    await collect(device, facts);
  } catch (err) {
    problem = { code: err instanceof CamgateError ? err.code : 'INTERNAL', message: errorMessage(err) };
  }
  const info: DeviceInformation = {
    ...facts.info,
    model: facts.info.model ?? scopeValue(target.scopes ?? [], 'hardware'),
  };
  const cls = override?.({ address: target.address, serial: info.serial, mac: facts.mac });
  let classification = classify({ ...facts.input, info, override: cls });
  if (problem && !cls) {
    classification = {
      ...classification,
      confidence: Math.min(classification.confidence, 0.3),
      evidence: [...classification.evidence, `incomplete: ${problem.code}`],
    };
  }
  return {
    target,
    info: facts.info,
    mac: facts.mac,
    profiles: facts.profiles,
    snapshotUri: facts.snapshotUri,
    clockOffsetMs: facts.clockOffsetMs,
    classification,
    problem,
  };
}

async function collect(
  device: OnvifDevice & { setClockOffset?(ms: number | undefined): void },
  facts: Facts,
): Promise<void> {
  // The clock only seeds WS-Security's Created and the drift report. GetSystemDateAndTime is
  // mandatory, but a camera that faults it (replaying the DVC DRN-3282R NVR, whose captures lack
  // it, stopped here with nothing learnt) or refuses it even with our credentials (the next call
  // then reports ONVIF_AUTH) is still asked everything else.
  const time = await device.systemDateAndTime().catch((err: unknown) => {
    if (isFault(err) || isAuth(err)) return undefined;
    throw err;
  });
  if (time?.cameraMs !== undefined) {
    facts.clockOffsetMs = time.cameraMs - time.localMs;
    device.setClockOffset?.(facts.clockOffsetMs);
  }
  facts.info = await device.deviceInformation();
  const services = await device.services();
  const interfaces = await optional(() => device.networkInterfaces());
  facts.mac = interfaces ? macFor(interfaces, device.address) : undefined;
  const profiles = await device.profiles(services);
  facts.profiles = await streamProfiles(device, services, profiles);
  const main = facts.profiles.find((p) => p.role === 'main') ?? facts.profiles[0];
  facts.snapshotUri = main ? await optional(() => device.snapshotUri(services, main.token)) : undefined;
  facts.input = { ...facts.input, profiles, ptzService: services.ptz !== undefined };
  await collectClassSignals(device, services, profiles, facts);
}

async function collectClassSignals(
  device: OnvifDevice,
  services: ServiceMap,
  profiles: readonly MediaProfile[],
  facts: Facts,
): Promise<void> {
  const videoSources = (await optional(() => device.videoSources(services))) ?? [];
  const sourceToken = videoSources[0]?.token ?? profiles[0]?.videoSourceToken;
  const modes = sourceToken
    ? await optional(() => device.videoSourceModes(services, sourceToken))
    : undefined;
  const eventTopics = services.events ? ((await optional(() => device.eventTopics(services))) ?? []) : [];
  facts.input = {
    ...facts.input,
    videoSources,
    viewModes: modes?.viewModes ?? [],
    sourceDescriptions: modes?.descriptions ?? [],
    eventTopics,
  };
}

/** Stream URI of every profile; largest picture is `main`, smallest `sub`. */
async function streamProfiles(
  device: OnvifDevice,
  services: ServiceMap,
  profiles: readonly MediaProfile[],
): Promise<StreamProfile[]> {
  const area = (p: MediaProfile): number => (p.width ?? 0) * (p.height ?? 0);
  const sorted = [...profiles].sort((a, b) => area(b) - area(a));
  const out: StreamProfile[] = [];
  for (const p of sorted) {
    const rtspUrl = await optional(() => device.streamUri(services, p.token));
    if (!rtspUrl) continue;
    const role = p === sorted[0] ? 'main' : p === sorted[sorted.length - 1] ? 'sub' : 'other';
    out.push({
      token: p.token,
      name: p.name,
      rtspUrl,
      encoding: p.encoding,
      width: p.width,
      height: p.height,
      fps: p.fps,
      role,
    });
  }
  return out;
}

/** Runs an optional ONVIF call: a SOAP fault (not implemented, no such token) yields undefined. */
async function optional<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isFault(err)) return undefined;
    throw err;
  }
}
