import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { paramsFromFmtp, parsePresentation } from '../../../src/streams/rtsp/presentation.js';
import { parseRtpInfo, parseSession, parseTransport } from '../../../src/streams/rtsp/rtspHeaders.js';
import type { RtspMessage } from '../../../src/streams/rtsp/rtspMessage.js';
import { RtspParser } from '../../../src/streams/rtsp/rtspParser.js';
import { parseSdp } from '../../../src/streams/rtsp/sdp.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'retina');
const REQUEST_URL = 'rtsp://cam.example/req';

type Video = { codec: string; width: number; height: number; profile: string; control: string; fps?: number };
type Case =
  | { kind: 'describe'; video: Video }
  | { kind: 'sdp'; video: Omit<Video, 'fps'> }
  | { kind: 'setup'; session: string; timeout: number; interleaved?: [number, number]; ssrc?: number }
  | { kind: 'play'; session?: string; rtptime?: number | null; seq?: number }
  | { kind: 'plain'; status: number; cseq: number };

/** Every capture in the folder has a row; a new capture without one fails the suite. */
const CASES: Record<string, Case> = {
  // Anjvision: Content-Base without a scheme ("192.168.1.10:554/stream0/"): the request URL is the base.
  'anjvision_describe.txt': {
    kind: 'describe',
    video: {
      codec: 'h265',
      width: 1280,
      height: 704,
      profile: 'Main',
      control: `${REQUEST_URL}/trackID=1`,
      fps: 5,
    },
  },
  'anpviz_sdp.txt': {
    kind: 'sdp',
    video: { codec: 'h264', width: 704, height: 576, profile: 'Main', control: 'trackID=1' },
  },
  // Wowza "rtptime=-1" (moonfire-nvr#224): the bad value is dropped, the rest still parsed.
  'bad_rtptime.txt': { kind: 'play', session: '551045787', rtptime: null, seq: 1 },
  'bunny_describe.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 240,
      height: 160,
      profile: 'Constrained Baseline',
      control: 'rtsp://wowzaec2demo.streamlock.net/vod/mp4:BigBuckBunny_115k.mov/trackID=2',
      fps: 24,
    },
  },
  'bunny_play.txt': { kind: 'play', session: '551045787', rtptime: 0, seq: 1 },
  'bunny_setup.txt': { kind: 'setup', session: '1642021126', timeout: 60, interleaved: [0, 1] },
  // Dahua: base URL with a query string; the control is appended after a slash, as cameras expect.
  'dahua_describe_h264_aac_onvif.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 704,
      height: 480,
      profile: 'High',
      control:
        'rtsp://192.168.5.111:554/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif/trackID=0',
      fps: 15,
    },
  },
  'dahua_describe_h265_pcma.txt': {
    kind: 'describe',
    video: {
      codec: 'h265',
      width: 704,
      height: 480,
      profile: 'Main',
      control: 'rtsp://cam-driveway/cam/realmonitor?channel=1&subtype=2/trackID=0',
      fps: 12,
    },
  },
  'dahua_options.txt': { kind: 'plain', status: 200, cseq: 5 },
  'dahua_play.txt': { kind: 'play', session: '634214684047', rtptime: 3475222385, seq: 47121 },
  'dahua_setup.txt': {
    kind: 'setup',
    session: '634214675641',
    timeout: 60,
    interleaved: [0, 1],
    ssrc: 0x30a98ee7,
  },
  'foscam_describe.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 1280,
      height: 720,
      profile: 'Main',
      control: 'rtsp://192.168.5.107:65534/videoMain/track1',
    },
  },
  'geovision_sdp.txt': {
    kind: 'sdp',
    video: {
      codec: 'h264',
      width: 2688,
      height: 1520,
      profile: 'Main',
      control: 'rtsp://192.168.5.237/media/video1/video',
    },
  },
  'gw_main_describe.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 1920,
      height: 1080,
      profile: 'Main',
      control: 'rtsp://192.168.1.110:5050/H264?channel=1&subtype=0&unicast=true&proto=Onvif/video',
    },
  },
  'gw_main_play.txt': { kind: 'play', session: '9a90de54' },
  'gw_main_setup_audio.txt': { kind: 'setup', session: '9a90de54', timeout: 60, interleaved: [2, 3] },
  // GW Security: "Session: 9a90de54; timeout=60" with a space before the parameter.
  'gw_main_setup_video.txt': { kind: 'setup', session: '9a90de54', timeout: 60, interleaved: [0, 1] },
  // GW Security sub stream: sprop-parameter-sets with an Annex B start code glued to each set.
  'gw_sub_describe.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 720,
      height: 480,
      profile: 'Main',
      control: 'rtsp://192.168.1.110:5049/H264?channel=1&subtype=1&unicast=true&proto=Onvif/video',
    },
  },
  'gw_sub_play.txt': { kind: 'play', session: '9b0d0e54', rtptime: 1621810809, seq: 273 },
  'gw_sub_setup.txt': { kind: 'setup', session: '9b0d0e54', timeout: 60, interleaved: [0, 1] },
  // H264DVR: "a=framerate:0S" then "a=framerate:25"; base without trailing slash.
  'h264dvr_describe.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 1920,
      height: 1080,
      profile: 'Baseline',
      control: 'rtsp://127.0.0.1:554/camera/trackID=3',
      fps: 25,
    },
  },
  // H264DVR: lower-case "Cseq".
  'h264dvr_play.txt': { kind: 'play', session: '231970' },
  'h264dvr_setup_audio.txt': { kind: 'setup', session: '231980', timeout: 60, ssrc: 0 },
  'h264dvr_setup_video.txt': { kind: 'setup', session: '231970', timeout: 60, ssrc: 0 },
  // Hikvision: absolute controls with a query string.
  'hikvision_describe.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 1920,
      height: 1080,
      profile: 'Main',
      control:
        'rtsp://192.168.5.106:554/Streaming/Channels/101/trackID=1?transportmode=unicast&profile=Profile_1',
    },
  },
  // Hikvision: "Session:        708345999" padded with spaces.
  'hikvision_play.txt': { kind: 'play', session: '708345999', rtptime: 1270711678, seq: 24104 },
  'hikvision_setup.txt': {
    kind: 'setup',
    session: '708345999',
    timeout: 60,
    interleaved: [0, 1],
    ssrc: 0x4cacc3d1,
  },
  // Hikvision: "ssrc= d6d6627" with a space and seven hex digits.
  'hikvision_setup_ssrc_space.txt': {
    kind: 'setup',
    session: '708886412',
    timeout: 60,
    interleaved: [0, 1],
    ssrc: 0xd6d6627,
  },
  // IPCAM: SPS NAL header 0x27 (nal_ref_idc 1), not the usual 0x67.
  'ipcam_describe.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 1280,
      height: 960,
      profile: 'Main',
      control: `${REQUEST_URL}/trackID=1`,
      fps: 25,
    },
  },
  'laureii_play.txt': { kind: 'play', session: '1234567890', rtptime: 0, seq: 0 },
  // Longse: "CSeq: 1 " with a trailing space; Digest without qop.
  'longse_unauthorized.txt': { kind: 'plain', status: 401, cseq: 1 },
  'luckfox_rkipc_setup_tcp.txt': {
    kind: 'setup',
    session: '12345678',
    timeout: 60,
    interleaved: [0, 1],
    ssrc: 0x22345684,
  },
  'luckfox_rkipc_setup_udp.txt': { kind: 'setup', session: '12345678', timeout: 60, ssrc: 0x22345685 },
  // Macro-Video: "profile-level-id=TeAo" (base64, not hex); the SPS is what counts.
  'macrovideo_describe.txt': {
    kind: 'describe',
    video: { codec: 'h264', width: 1280, height: 720, profile: 'Main', control: `${REQUEST_URL}/track1` },
  },
  'missing_content_type_describe.txt': {
    kind: 'describe',
    video: { codec: 'h264', width: 320, height: 180, profile: 'High', control: `${REQUEST_URL}/streamid=0` },
  },
  'reolink_describe.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 2560,
      height: 1440,
      profile: 'High',
      control: 'rtsp://192.168.5.206/h264Preview_01_main/trackID=1',
    },
  },
  'reolink_describe_control_first.txt': {
    kind: 'describe',
    video: {
      codec: 'h264',
      width: 2560,
      height: 1440,
      profile: 'High',
      control: 'rtsp://192.168.5.206/h264Preview_01_main/trackID=1',
    },
  },
  'reolink_play.txt': { kind: 'play', session: 'F8F8E425', rtptime: 1070938629, seq: 16852 },
  'reolink_setup.txt': { kind: 'setup', session: 'F8F8E425', timeout: 60, interleaved: [0, 1] },
  'reolink_teardown.txt': { kind: 'plain', status: 200, cseq: 7 },
  'tplink_sdp.txt': {
    kind: 'sdp',
    video: { codec: 'h265', width: 2560, height: 1440, profile: 'Main', control: 'track1' },
  },
  // Ubiquiti: video is the third track, after two audio tracks sharing payload type 96.
  'ubiquiti_sdp.txt': {
    kind: 'sdp',
    video: { codec: 'h264', width: 1920, height: 1080, profile: 'Main', control: 'trackID=2' },
  },
  'vstarcam_describe.txt': {
    kind: 'describe',
    video: { codec: 'h264', width: 1920, height: 1080, profile: 'Main', control: `${REQUEST_URL}/track0` },
  },
};

function parseOne(bytes: Buffer): RtspMessage {
  const messages: RtspMessage[] = [];
  new RtspParser().push(bytes, { onMessage: (m) => messages.push(m), onInterleaved: () => undefined });
  expect(messages).toHaveLength(1);
  return messages[0] as RtspMessage;
}

describe('retina RTSP captures (every file)', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));

  it('has a table row for every capture', () => {
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const file of files) {
    it(file, () => {
      const c = CASES[file];
      if (!c) throw new Error(`no case for ${file}`);
      const bytes = readFileSync(join(DIR, file));
      if (c.kind === 'sdp') {
        const video = parseSdp(bytes.toString('utf8')).media.find((m) => m.type === 'video');
        const codec = video?.encoding === 'H265' ? 'h265' : 'h264';
        expect(video?.control).toBe(c.video.control);
        expect(paramsFromFmtp(codec, video?.fmtp ?? {})).toMatchObject({
          codec: c.video.codec,
          width: c.video.width,
          height: c.video.height,
          profile: c.video.profile,
        });
        return;
      }
      const msg = parseOne(bytes);
      if (c.kind === 'describe') {
        const p = parsePresentation(msg, REQUEST_URL);
        expect(p.video.codec).toBe(c.video.codec);
        expect(p.video.controlUrl).toBe(c.video.control);
        expect(p.video.params).toMatchObject({
          width: c.video.width,
          height: c.video.height,
          profile: c.video.profile,
        });
        expect(p.video.sdpFramerate).toBe(c.video.fps);
      } else if (c.kind === 'setup') {
        expect(parseSession(msg.headers.get('session'))).toEqual({
          id: c.session,
          timeoutSeconds: c.timeout,
        });
        const t = parseTransport(msg.headers.get('transport'));
        expect(t?.interleaved).toEqual(c.interleaved);
        expect(t?.ssrc).toBe(c.ssrc);
      } else if (c.kind === 'play') {
        if (c.session !== undefined) expect(parseSession(msg.headers.get('session'))?.id).toBe(c.session);
        const info = parseRtpInfo(msg.headers.get('rtp-info'))[0];
        if (c.rtptime !== undefined) expect(info?.rtptime).toBe(c.rtptime ?? undefined);
        if (c.seq !== undefined) expect(info?.seq).toBe(c.seq);
      } else {
        expect(msg.status).toBe(c.status);
        expect(Number(msg.headers.get('cseq')?.trim())).toBe(c.cseq);
      }
    });
  }

  it('parses the Wowza DESCRIBE response and retina request pair', () => {
    const res = parseOne(readFileSync(join(DIR, 'rtsp', 'response.txt')));
    expect(res.status).toBe(200);
    expect(parsePresentation(res, REQUEST_URL).video.params).toMatchObject({ width: 240, height: 160 });
    const req = parseOne(readFileSync(join(DIR, 'rtsp', 'request.txt')));
    expect(req).toMatchObject({
      kind: 'request',
      method: 'DESCRIBE',
      uri: 'rtsp://192.168.5.225/h264Preview_01_main',
    });
  });

  it('parses every capture identically when fed one byte at a time', () => {
    for (const file of files.filter((f) => !f.endsWith('_sdp.txt'))) {
      const bytes = readFileSync(join(DIR, file));
      const whole = parseOne(bytes);
      const parser = new RtspParser();
      const got: RtspMessage[] = [];
      for (let i = 0; i < bytes.length; i++) {
        parser.push(bytes.subarray(i, i + 1), {
          onMessage: (m) => got.push(m),
          onInterleaved: () => undefined,
        });
      }
      expect(
        got.map((m) => [m.status, m.body.toString('latin1')]),
        file,
      ).toEqual([[whole.status, whole.body.toString('latin1')]]);
    }
  });
});
