import fs from 'node:fs';
import path from 'node:path';
import type { ClassifyInput } from '../../src/discovery/classify.js';
import { parseDeviceInformation, parseEventTopics } from '../../src/discovery/deviceParsers.js';
import { parseProfiles, parseProfiles2, parseVideoSources } from '../../src/discovery/mediaParsers.js';
import { parseDiscoveryMessage } from '../../src/discovery/wsDiscovery.js';
import { elementChildren, parseXml, soapBody } from '../../src/discovery/xml.js';
import { CORPUS } from './corpus.js';

/** Every file under a device folder, relative paths. */
function filesOf(device: string): string[] {
  const root = path.join(CORPUS, device);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

/** The response element of the first non-error capture whose name matches (folders name calls differently). */
export function response(device: string, name: RegExp) {
  const file = filesOf(device).find(
    (f) =>
      name.test(path.basename(f)) &&
      !/Error|Fault/.test(f) &&
      !/^invalid_/.test(path.basename(f)) &&
      !f.startsWith('at-'),
  );
  if (!file) return undefined;
  const text = fs.readFileSync(path.join(CORPUS, device, file), 'utf8');
  if (text.includes('{{')) return undefined; // agsh doT template, not XML until rendered
  return elementChildren(soapBody(parseXml(text)))[0];
}

/** Everything the classifier would have learnt from this device's captures. */
export function classifyInputFor(device: string): ClassifyInput {
  const info = response(
    device,
    /^(device\.)?GetDeviceInformation(\.Response)?\.xml$|^get_device_information\.xml$/,
  );
  const p1 = response(
    device,
    /^(media\.)?GetProfiles(\.Response)?\.xml$|^get_profiles_response_with_invalid/,
  );
  const p2 = response(device, /^media2\.GetProfiles\.xml$/);
  const vs = response(device, /^(media\.)?GetVideoSources(\.Response)?\.xml$/);
  const ev = response(
    device,
    /^(events\.)?GetEventProperties(\.Response)?\.xml$|^get_event_properties\.xml$/,
  );
  const probeFile = filesOf(device).find((f) => /^discovery\.ProbeMatches\.xml$/.test(f));
  const probe = probeFile
    ? parseDiscoveryMessage(fs.readFileSync(path.join(CORPUS, device, probeFile)))
    : undefined;
  return {
    info: info ? parseDeviceInformation(info) : {},
    scopes: probe?.matches[0]?.scopes ?? [],
    eventTopics: ev ? parseEventTopics(ev) : [],
    profiles: [...(p2 ? parseProfiles2(p2) : []), ...(p1 && !p2 ? parseProfiles(p1) : [])],
    videoSources: vs ? parseVideoSources(vs) : [],
  };
}
