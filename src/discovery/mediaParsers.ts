import type { Element } from '@xmldom/xmldom';
import type { MediaProfile, VideoSource } from './onvifTypes.js';
import { child, children, descendant, elementChildren, NS, num, path, text } from './xml.js';

/** Media (ver10) and Media2 (ver20) responses; the response element inside the SOAP Body in, data out. */

function attrNum(el: Element | undefined, name: string): number | undefined {
  const v = el?.getAttribute(name);
  const n = v ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function encoderFields(
  enc: Element | undefined,
): Pick<MediaProfile, 'encoding' | 'width' | 'height' | 'fps'> {
  return {
    encoding: text(path(enc, NS.tt, 'Encoding')),
    width: num(path(enc, NS.tt, 'Resolution', 'Width')),
    height: num(path(enc, NS.tt, 'Resolution', 'Height')),
    fps: num(path(enc, NS.tt, 'RateControl', 'FrameRateLimit')),
  };
}

function sourceFields(
  src: Element | undefined,
): Pick<MediaProfile, 'videoSourceToken' | 'sourceWidth' | 'sourceHeight' | 'lens'> {
  const bounds = src ? child(src, NS.tt, 'Bounds') : undefined;
  return {
    videoSourceToken: src ? text(child(src, NS.tt, 'SourceToken')) : undefined,
    sourceWidth: attrNum(bounds, 'width'),
    sourceHeight: attrNum(bounds, 'height'),
    lens: src ? descendant(src, NS.tt, 'LensDescription') !== undefined : false,
  };
}

/**
 * A PTZ configuration with pan/tilt spaces, not just a motorised zoom lens. ONVIF spells the
 * element `DefaultAbsolutePantTiltPositionSpace` (sic), so match on "PanTilt"/"PantTilt".
 */
function hasPanTilt(ptz: Element | undefined): boolean {
  if (!ptz) return false;
  return elementChildren(ptz).some((c) => /Pant?Tilt/.test(c.localName ?? ''));
}

/** Media1 GetProfiles: trt:Profiles with tt:VideoSourceConfiguration / tt:VideoEncoderConfiguration. */
export function parseProfiles(resp: Element): MediaProfile[] {
  return children(resp, NS.trt, 'Profiles').flatMap((p) => {
    const token = p.getAttribute('token');
    if (!token) return [];
    return [
      {
        token,
        name: text(child(p, NS.tt, 'Name')) ?? token,
        ...sourceFields(child(p, NS.tt, 'VideoSourceConfiguration')),
        ...encoderFields(child(p, NS.tt, 'VideoEncoderConfiguration')),
        ptz: hasPanTilt(child(p, NS.tt, 'PTZConfiguration')),
      },
    ];
  });
}

/** Media2 GetProfiles: tr2:Profiles/tr2:Configurations/{tr2:VideoSource, tr2:VideoEncoder, tr2:PTZ}. */
export function parseProfiles2(resp: Element): MediaProfile[] {
  return children(resp, NS.tr2, 'Profiles').flatMap((p) => {
    const token = p.getAttribute('token');
    if (!token) return [];
    const configs = child(p, NS.tr2, 'Configurations');
    return [
      {
        token,
        name: text(child(p, NS.tr2, 'Name')) ?? token,
        ...sourceFields(configs ? child(configs, NS.tr2, 'VideoSource') : undefined),
        ...encoderFields(configs ? child(configs, NS.tr2, 'VideoEncoder') : undefined),
        ptz: hasPanTilt(configs ? child(configs, NS.tr2, 'PTZ') : undefined),
      },
    ];
  });
}

/** GetStreamUri / GetSnapshotUri, Media1 (trt:MediaUri/tt:Uri) or Media2 (tr2:Uri). */
export function parseMediaUri(resp: Element): string | undefined {
  const mediaUri = child(resp, NS.trt, 'MediaUri');
  return text(mediaUri ? child(mediaUri, NS.tt, 'Uri') : child(resp, NS.tr2, 'Uri'));
}

/** GetVideoSources: sensor resolution and frame rate per source. */
export function parseVideoSources(resp: Element): VideoSource[] {
  return children(resp, NS.trt, 'VideoSources').map((s) => ({
    token: s.getAttribute('token') ?? '',
    width: num(path(s, NS.tt, 'Resolution', 'Width')),
    height: num(path(s, NS.tt, 'Resolution', 'Height')),
    fps: num(child(s, NS.tt, 'Framerate')),
    viewModes: [],
  }));
}

/** GetVideoSourceModes (Media §5.4.8): ViewMode list and description, e.g. "tt:Fisheye tt:360Panorama". */
export function parseVideoSourceModes(resp: Element): { viewModes: string[]; descriptions: string[] } {
  const modes = children(resp, NS.trt, 'VideoSourceModes');
  const viewModes = modes.flatMap((m) =>
    (text(descendant(m, NS.tt, 'ViewMode')) ?? '').split(/\s+/).filter(Boolean),
  );
  const descriptions = modes.flatMap((m) => {
    const d = text(child(m, NS.tt, 'Description'));
    return d ? [d] : [];
  });
  return { viewModes: viewModes.map((v) => v.slice(v.indexOf(':') + 1)), descriptions };
}
