import { loadConfigFile, resolveConfigPath } from '../../config/load.js';
import { CamgateError, UsageError } from '../../shared/errors.js';
import { clearPictureReferencesOffline } from '../../store/pictureRepo.js';
import { parseCommandArgs } from '../args.js';
import { type CliCommand, writeJson } from '../command.js';
import { controlRequest } from '../controlClient.js';

interface ResetDoc {
  readonly cameraId: string;
  readonly cleared: number;
  /** 'daemon': the running daemon forgot them too; 'database': no daemon ran, the rows were deleted. */
  readonly via: 'daemon' | 'database';
}

/**
 * `camgate picture reset CAMERA`: after an intentional re-aim or a new lens, the camera's picture
 * references are forgotten and learnt again from its next good samples (issue #17). Through the
 * running daemon when there is one, else straight in the database.
 */
export const pictureCommand: CliCommand = {
  name: 'picture',
  usage: 'camgate picture reset CAMERA [--config PATH] [--json]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'picture',
      args,
      { config: { type: 'string' }, json: { type: 'boolean' } },
      true,
    );
    const [action, cameraId, ...extra] = positionals;
    if (action !== 'reset' || !cameraId || extra.length > 0) throw new UsageError(`usage: ${this.usage}`);
    const config = loadConfigFile(resolveConfigPath(values.config, io.env));
    let doc: ResetDoc;
    try {
      const r = (await controlRequest(config.control.socket, 'POST', '/picture/reset', {
        camera: cameraId,
      })) as { cameraId: string; cleared: number };
      doc = { ...r, via: 'daemon' };
    } catch (err) {
      if (!(err instanceof CamgateError && err.code === 'CONTROL_UNAVAILABLE' && noDaemon(err.cause)))
        throw err;
      doc = {
        cameraId,
        cleared: clearPictureReferencesOffline(config.storage.path, cameraId),
        via: 'database',
      };
    }
    if (values.json) writeJson(io, doc);
    else
      io.stdout.write(
        `${doc.cameraId}: ${doc.cleared} picture reference(s) forgotten; the next good samples teach new ones\n`,
      );
    return 0;
  },
};

/** Nobody listens on the control socket: the daemon is stopped. */
function noDaemon(cause: unknown): boolean {
  const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
  return code === 'ENOENT' || code === 'ECONNREFUSED';
}
