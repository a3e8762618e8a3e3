import type { CliCommand } from '../command.js';

/**
 * Every `camgate` subcommand, loaded only when it runs: the daemon (`run`) must not carry the
 * report renderers, the live view, the acceptance pack or the doctor in memory (#14). Add one
 * entry per command; its module exports the `CliCommand`.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line for `camgate --help`. */
  readonly summary: string;
  load(): Promise<CliCommand>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'run the daemon in the foreground (systemd runs this)',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'status',
    summary: "every camera's state, the integration summary, uplink state (from the running daemon)",
    load: async () => (await import('./status.js')).statusCommand,
  },
  {
    name: 'reload',
    summary: 're-read credentials (passwordFile) and re-interrogate cameras (the daemon; same as SIGHUP)',
    load: async () => (await import('./reload.js')).reloadCommand,
  },
  {
    name: 'cameras',
    summary: 'inventory: id, address, manufacturer, model, serial, mac, class, profiles',
    load: async () => (await import('./cameras.js')).camerasCommand,
  },
  {
    name: 'discover',
    summary: 'one-off discovery + interrogation + classification (no daemon needed)',
    load: async () => (await import('./discover.js')).discoverCommand,
  },
  {
    name: 'config',
    summary: 'validate a configuration file',
    load: async () => (await import('./config.js')).configCommand,
  },
  {
    name: 'probe',
    summary: 'layered probe of one camera: TCP → RTSP OPTIONS/DESCRIBE → first keyframe → frames advancing',
    load: async () => (await import('./probe.js')).probeCommand,
  },
  {
    name: 'why',
    summary: 'why a camera is not integrated, with evidence',
    load: async () => (await import('./why.js')).whyCommand,
  },
  {
    name: 'picture',
    summary:
      "picture checks: `picture reset CAMERA` re-learns a camera's reference after an intentional re-aim",
    load: async () => (await import('./picture.js')).pictureCommand,
  },
  {
    name: 'outages',
    summary: 'outage log per camera (reads the database; works with the daemon stopped)',
    load: async () => (await import('./outages.js')).outagesCommand,
  },
  {
    name: 'report',
    summary: 'uptime/SLA report per camera and per class (reads the database; daemon not needed)',
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    name: 'doctor',
    summary: 'checks of the box: config, secrets, ffmpeg, disk, multicast, broker, clock, daemon',
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  {
    name: 'live',
    summary: 'browser live video for aiming/focusing (page on 127.0.0.1; ffmpeg runs while someone watches)',
    load: async () => (await import('./live.js')).liveCommand,
  },
  {
    name: 'snapshot',
    summary: 'one JPEG from a camera (its ONVIF snapshot URI, else a frame from its stream)',
    load: async () => (await import('./snapshot.js')).snapshotCommand,
  },
  {
    name: 'acceptance',
    summary: 'site handover sheet (JSON + printable HTML): inventory, integration now, SLA, box checks',
    load: async () => (await import('./acceptance.js')).acceptanceCommand,
  },
  {
    name: 'centre',
    summary: 'operations centre: ingest every gateway over MQTT, region figures, dashboard, report',
    load: async () => (await import('./centre.js')).centreCommand,
  },
];
