import { z } from 'zod';
import { CAMERA_CLASSES } from '../shared/types.js';
import { lprSection } from './lprSchema.js';
import { mqttSection } from './mqttSchema.js';
import { pictureSchema } from './pictureSchema.js';

/**
 * The one configuration schema: TypeScript type, validation and `config/camgate.schema.json` all
 * come from here. Every object is strict (unknown keys are errors); every field has a default,
 * bounds and a description.
 */

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const id = (what: string) =>
  z.string().regex(ID, `must be 1-64 letters, digits, '.', '_' or '-' (${what})`).describe(what);

const cidr = z
  .string()
  .regex(/^(\d{1,3})(\.\d{1,3}){3}\/(\d|[12]\d|3[0-2])$/, 'must be an IPv4 CIDR like 10.0.1.0/24')
  .refine(
    (s) =>
      s
        .split('/')[0]!
        .split('.')
        .every((o) => Number(o) <= 255),
    'octet out of range',
  );

const ipv4 = z
  .string()
  .regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'must be an IPv4 address')
  .refine((s) => s.split('.').every((o) => Number(o) <= 255), 'octet out of range');

const site = z
  .strictObject({
    id: id('site id, used in MQTT topics'),
    name: z.string().max(200).default('').describe('human-readable site name'),
    planned: z
      .strictObject({
        overview: z.number().int().min(0).max(10_000).default(0),
        panoramic: z.number().int().min(0).max(10_000).default(0),
        lpr: z.number().int().min(0).max(10_000).default(0),
      })
      .optional()
      .describe('cameras planned per class, so the centre sees installed vs planned'),
  })
  .describe('the site this gateway serves');

const credential = z
  .strictObject({
    match: z.string().min(1).describe('camera id, IPv4 address, CIDR or "*"; first match wins'),
    username: z.string().min(1).max(128).describe('camera user name'),
    password: z.string().max(256).optional().describe('camera password (prefer passwordFile)'),
    passwordFile: z.string().min(1).optional().describe('file holding the camera password'),
    allowBasic: z
      .boolean()
      .default(false)
      .describe('allow HTTP/RTSP Basic auth (cleartext) for these cameras'),
  })
  .refine((c) => (c.password === undefined) !== (c.passwordFile === undefined), {
    message: 'exactly one of password or passwordFile is required',
  });

const monitor = z
  .strictObject({
    mode: z.enum(['continuous', 'sampled']).default('continuous').describe('keep a session open, or sample'),
    profile: z.enum(['main', 'sub']).default('sub').describe('which stream to watch'),
    intervalSeconds: z.number().int().min(10).max(86_400).default(300).describe('sampled: connect every N s'),
    durationSeconds: z.number().int().min(2).max(600).default(10).describe('sampled: watch for M s'),
  })
  .describe('how the stream is watched');

const camera = z
  .strictObject({
    id: id('camera id').optional(),
    address: ipv4.optional().describe('camera IPv4 address (ONVIF interrogated)'),
    onvifPort: z.number().int().min(1).max(65_535).default(80).describe('ONVIF HTTP port'),
    rtsp: z
      .string()
      .regex(/^rtsps?:\/\//, 'must be an rtsp:// URL')
      .optional()
      .describe('plain RTSP camera without ONVIF'),
    serial: z.string().optional().describe('override match by serial number'),
    mac: z.string().optional().describe('override match by MAC address'),
    class: z.enum(CAMERA_CLASSES).optional().describe('force the camera class'),
    name: z.string().max(200).optional(),
    record: z.boolean().optional().describe('record this camera (default: recording.enabled)'),
    recordProfile: z
      .enum(['main', 'sub'])
      .optional()
      .describe('which stream to record (default: recording.profile)'),
    monitor: monitor.optional(),
    transport: z
      .enum(['auto', 'tcp', 'udp'])
      .optional()
      .describe(
        'RTP transport for this camera (monitor, probe, recording, snapshots, live view); auto (the default) = TCP first, then UDP when the camera refuses TCP, remembered per camera',
      ),
  })
  .refine(
    (c) => c.address || c.rtsp || c.id || c.serial || c.mac,
    'needs at least one of id, address, rtsp, serial or mac',
  )
  .refine((c) => !c.rtsp || !/^rtsps?:\/\/[^/@]*:[^/@]*@/.test(c.rtsp), {
    message: 'must not carry a password; use credentials',
    path: ['rtsp'],
  });

const recording = z.strictObject({
  enabled: z.boolean().default(false).describe('record cameras with ffmpeg'),
  dir: z.string().min(1).default('/var/lib/camgate/recordings').describe('segment directory'),
  profile: z
    .enum(['main', 'sub'])
    .default('main')
    .describe('stream recorded: main (full resolution, evidence) or sub (less disk)'),
  segmentSeconds: z.number().int().min(10).max(3600).default(60),
  retentionDays: z.number().int().min(1).max(3650).default(30),
  minFreePercent: z.number().min(1).max(90).default(10).describe('free-space floor for retention'),
  external: z
    .array(
      z.strictObject({
        camera: z.string().min(1),
        pattern: z.string().min(1).describe('directory glob of an external recorder, per camera'),
      }),
    )
    .default([])
    .describe('cameras recorded by another recorder; verified by its files (wins over edge and own)'),
  edge: z
    .array(
      z.strictObject({
        camera: z.string().min(1).describe('camera id; verified from its own storage (SD card, edge NAS)'),
      }),
    )
    .max(4096)
    .default([])
    .describe(
      'cameras that record to their own storage: verified by ONVIF Profile G (DataUntil advancing), not recorded by camgate',
    ),
});

const discovery = z.strictObject({
  interfaces: z.array(z.string().min(1)).default([]).describe('empty: every multicast IPv4 interface'),
  multicast: z
    .boolean()
    .default(true)
    .describe('send WS-Discovery multicast probes and listen for Hello; false: unicast sweep only'),
  ranges: z.array(cidr).default([]).describe('CIDRs to sweep by unicast'),
  intervalSeconds: z.number().int().min(30).max(86_400).default(300),
  probeWindowSeconds: z.number().min(0.5).max(30).default(3),
  missedSweepsBeforeRemoved: z.number().int().min(1).max(100).default(3),
  ports: z.array(z.number().int().min(1).max(65_535)).default([80, 8000, 8080, 8899, 2020]),
  hello: z
    .strictObject({
      perSourceSeconds: z
        .number()
        .min(1)
        .max(86_400)
        .default(600)
        .describe('one Hello-triggered interrogation per source address per this many seconds'),
      perMinute: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(20)
        .describe('Hello-triggered interrogations per minute, all sources together'),
      maxInFlight: z
        .number()
        .int()
        .min(1)
        .max(64)
        .default(4)
        .describe('Hello-triggered interrogations at once'),
    })
    .default({ perSourceSeconds: 600, perMinute: 20, maxInFlight: 4 })
    .describe('limits on interrogations started by WS-Discovery Hellos (anything on the LAN can send them)'),
  removedRetentionDays: z
    .number()
    .min(1)
    .max(3650)
    .default(30)
    .describe(
      'a removed camera is forgotten (inventory row deleted; its history kept) this many days after removal',
    ),
  maxCameras: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(2048)
    .describe(
      'inventory cap: once this many cameras are known, new devices are left out (a Hello is not even interrogated) and discovery.cap_reached is sent',
    ),
});

const streams = z.strictObject({
  udpPortRange: z
    .strictObject({
      first: z.number().int().min(1024).max(65_534).describe('first local UDP port'),
      last: z.number().int().min(1025).max(65_535).describe('last local UDP port'),
    })
    .refine((r) => r.last - r.first >= 1 + (r.first % 2), {
      message: 'must hold at least one RTP/RTCP pair (an even port and the next)',
    })
    .optional()
    .describe(
      'local ports for RTP/RTCP over UDP (a firewalled box opens just these); absent: the OS picks. One pair per UDP camera session',
    ),
});

const health = z.strictObject({
  stallSeconds: z.number().min(1).max(120).default(3).describe('no packets this long = stalled'),
  minFpsRatio: z.number().min(0).max(1).default(0.5).describe('degraded below this share of expected fps'),
  maxLossPct: z.number().min(0).max(100).default(5),
  maxKeyframeIntervalSeconds: z.number().min(1).max(300).default(10),
  hysteresisSeconds: z.number().min(0).max(600).default(10),
});

export const configSchema = z
  .strictObject({
    site,
    gateway: z.strictObject({ id: id('gateway id, used in MQTT topics') }),
    storage: z
      .strictObject({ path: z.string().min(1).default('/var/lib/camgate') })
      .default({ path: '/var/lib/camgate' }),
    discovery: discovery.default(() => discovery.parse({})),
    credentials: z.array(credential).max(100).default([]),
    cameras: z.array(camera).max(4096).default([]),
    mqtt: mqttSection.default(() => mqttSection.parse({})),
    streams: streams.default(() => streams.parse({})),
    health: health.default(() => health.parse({})),
    recording: recording.default(() => recording.parse({})),
    picture: pictureSchema.default(() => pictureSchema.parse({})),
    lpr: lprSection.default(() => lprSection.parse({})),
    control: z
      .strictObject({ socket: z.string().min(1).default('/run/camgate/control.sock') })
      .default({ socket: '/run/camgate/control.sock' }),
    log: z
      .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
      .default({ level: 'info' }),
    maintenance: z
      .array(
        z.strictObject({ camera: z.string().default('*'), from: z.iso.datetime(), to: z.iso.datetime() }),
      )
      .default([])
      .describe('windows excluded from SLA reports'),
  })
  .describe('camgate configuration');

export type Config = z.output<typeof configSchema>;
export type CameraConfig = Config['cameras'][number];
export type CredentialConfig = Config['credentials'][number];
