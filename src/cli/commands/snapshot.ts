import fs from 'node:fs';
import type { SnapshotResult } from '../../app/wireSnapshot.js';
import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import { UsageError } from '../../shared/errors.js';
import { parseCommandArgs } from '../args.js';
import { type CliCommand, writeJson } from '../command.js';
import { controlRequest } from '../controlClient.js';

export const snapshotCommand: CliCommand = {
  name: 'snapshot',
  usage: 'camgate snapshot CAMERA [--out FILE] [--config PATH] [--json]   (FILE defaults to CAMERA.jpg)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'snapshot',
      args,
      { config: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
      true,
    );
    const [cameraId, ...extra] = positionals;
    if (!cameraId || extra.length > 0) throw new UsageError(`usage: ${this.usage}`);
    const config = loadConfigFile(resolveConfigPath(values.config, io.env));
    // The daemon knows every camera's snapshot URI and credentials; 30 s covers the URI's deadline
    // plus the stream fallback's.
    const shot = (await controlRequest(
      config.control.socket,
      'POST',
      '/snapshot',
      { camera: cameraId },
      30_000,
    )) as SnapshotResult;
    const out = values.out ?? `${cameraId}.jpg`;
    fs.writeFileSync(out, Buffer.from(shot.jpegBase64, 'base64'));
    const { jpegBase64: _jpeg, ...facts } = shot;
    if (values.json) writeJson(io, { ...facts, file: out });
    else {
      const via =
        shot.source === 'onvif' ? 'ONVIF snapshot URI' : `a frame of the stream (${shot.fallbackReason})`;
      io.stdout.write(`wrote ${out}: ${shot.bytes} bytes of JPEG from ${via}\n`);
    }
    return 0;
  },
};
