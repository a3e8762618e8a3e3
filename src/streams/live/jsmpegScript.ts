import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CamgateError } from '../../shared/errors.js';

/**
 * JSMpeg's browser build, served unmodified (its MIT notice is the file's first comment). The
 * package's `exports` map names only its CommonJS and ESM entries, so we find the folder through
 * the CommonJS entry and read the UMD file that sits beside it.
 */
export function readJsmpegScript(): Buffer {
  try {
    const entry = createRequire(import.meta.url).resolve('@cycjimmy/jsmpeg-player');
    return fs.readFileSync(path.join(path.dirname(entry), 'jsmpeg-player.umd.min.js'));
  } catch (err) {
    throw new CamgateError('INTERNAL', 'the JSMpeg player (@cycjimmy/jsmpeg-player) is not installed', {
      cause: err,
    });
  }
}
