import { CamgateError } from '../../shared/errors.js';
import { BitReader, unescapeRbsp } from './bitReader.js';

export interface VideoParams {
  readonly codec: 'h264' | 'h265';
  readonly profile: string;
  readonly profileIdc: number;
  readonly level: number;
  readonly width: number;
  readonly height: number;
}

const PROFILE_NAMES: Record<number, string> = {
  66: 'Baseline',
  77: 'Main',
  88: 'Extended',
  100: 'High',
  110: 'High 10',
  122: 'High 4:2:2',
  244: 'High 4:4:4',
};

/** Profiles whose SPS carries chroma_format_idc and friends (H.264 7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Parses an H.264 SPS NAL unit (with its one-byte header) into profile and cropped size. */
export function parseH264Sps(nal: Uint8Array): VideoParams {
  if (nal.length < 4 || ((nal[0] ?? 0) & 0x1f) !== 7) {
    throw new CamgateError('RTSP_PROTOCOL', 'not an H.264 SPS');
  }
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profileIdc = r.u(8);
  const constraints = r.u(8);
  const level = r.u(8);
  r.ue(); // seq_parameter_set_id
  let chromaFormatIdc = 1;
  let separateColourPlane = 0;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc === 3) separateColourPlane = r.u1();
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.u1(); // qpprime_y_zero_transform_bypass_flag
    if (r.u1() === 1) skipScalingMatrix(r, chromaFormatIdc !== 3 ? 8 : 12);
  }
  r.ue(); // log2_max_frame_num_minus4
  skipPicOrderCnt(r);
  r.ue(); // max_num_ref_frames
  r.u1(); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.u1();
  if (frameMbsOnly === 0) r.u1(); // mb_adaptive_frame_field_flag
  r.u1(); // direct_8x8_inference_flag
  let crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.u1() === 1) crop = { left: r.ue(), right: r.ue(), top: r.ue(), bottom: r.ue() };
  // Crop units, H.264 table 6-1 and equations 7-19..7-22.
  const chromaArrayType = separateColourPlane === 1 ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 3 ? 1 : 2;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const cropX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropY = (chromaArrayType === 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
  const name = PROFILE_NAMES[profileIdc] ?? `profile ${profileIdc}`;
  // constraint_set1_flag on Baseline means Constrained Baseline (H.264 A.2.1.1).
  const profile = profileIdc === 66 && (constraints & 0x40) !== 0 ? 'Constrained Baseline' : name;
  return {
    codec: 'h264',
    profile,
    profileIdc,
    level: level / 10,
    width: widthMbs * 16 - cropX * (crop.left + crop.right),
    height: (2 - frameMbsOnly) * heightMapUnits * 16 - cropY * (crop.top + crop.bottom),
  };
}

function skipScalingMatrix(r: BitReader, lists: number): void {
  for (let i = 0; i < lists; i++) {
    if (r.u1() === 0) continue;
    const size = i < 6 ? 16 : 64;
    let last = 8;
    let next = 8;
    for (let j = 0; j < size && next !== 0; j++) {
      next = (last + r.se() + 256) % 256;
      last = next === 0 ? last : next;
    }
  }
}

function skipPicOrderCnt(r: BitReader): void {
  const type = r.ue();
  if (type === 0) {
    r.ue(); // log2_max_pic_order_cnt_lsb_minus4
  } else if (type === 1) {
    r.u1();
    r.se();
    r.se();
    const cycle = r.ue();
    if (cycle > 255) throw new CamgateError('RTSP_PROTOCOL', 'H.264 SPS: poc cycle too long');
    for (let i = 0; i < cycle; i++) r.se();
  }
}
