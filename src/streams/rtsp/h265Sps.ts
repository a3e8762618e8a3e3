import { CamgateError } from '../../shared/errors.js';
import { BitReader, unescapeRbsp } from './bitReader.js';
import type { VideoParams } from './h264Sps.js';

const PROFILE_NAMES: Record<number, string> = {
  1: 'Main',
  2: 'Main 10',
  3: 'Main Still Picture',
  4: 'Range Extensions',
};

/** Parses an H.265 SPS NAL unit (with its two-byte header) into profile and conformance-cropped size. */
export function parseH265Sps(nal: Uint8Array): VideoParams {
  if (nal.length < 6 || (((nal[0] ?? 0) >> 1) & 0x3f) !== 33) {
    throw new CamgateError('RTSP_PROTOCOL', 'not an H.265 SPS');
  }
  const r = new BitReader(unescapeRbsp(nal.subarray(2)));
  r.u(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.u(3);
  r.u1(); // sps_temporal_id_nesting_flag
  const { profileIdc, levelIdc } = readProfileTierLevel(r, maxSubLayersMinus1);
  r.ue(); // sps_seq_parameter_set_id
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc === 3) r.u1(); // separate_colour_plane_flag
  let width = r.ue();
  let height = r.ue();
  if (r.u1() === 1) {
    // Conformance window offsets are in chroma units (H.265 7.4.3.2.1).
    const subWidthC = chromaFormatIdc === 1 || chromaFormatIdc === 2 ? 2 : 1;
    const subHeightC = chromaFormatIdc === 1 ? 2 : 1;
    const left = r.ue();
    const right = r.ue();
    const top = r.ue();
    const bottom = r.ue();
    width -= subWidthC * (left + right);
    height -= subHeightC * (top + bottom);
  }
  return {
    codec: 'h265',
    profile: PROFILE_NAMES[profileIdc] ?? `profile ${profileIdc}`,
    profileIdc,
    level: levelIdc / 30,
    width,
    height,
  };
}

function readProfileTierLevel(
  r: BitReader,
  maxSubLayersMinus1: number,
): { profileIdc: number; levelIdc: number } {
  r.u(2); // general_profile_space
  r.u1(); // general_tier_flag
  const profileIdc = r.u(5);
  r.skip(32); // general_profile_compatibility_flags
  r.skip(48); // progressive/interlaced/non-packed/frame-only + 44 reserved bits
  const levelIdc = r.u(8);
  const present: Array<{ profile: number; level: number }> = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) present.push({ profile: r.u1(), level: r.u1() });
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1));
  for (const p of present) {
    if (p.profile === 1) r.skip(88);
    if (p.level === 1) r.skip(8);
  }
  return { profileIdc, levelIdc };
}
