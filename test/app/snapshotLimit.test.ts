import { describe, expect, it } from 'vitest';
import { snapshotHandler } from '../../src/app/wireUplink.js';

const cmd = { requestId: 's-1', signal: new AbortController().signal } as never;

describe('cmd/snapshot size limit', () => {
  it('passes a JPEG within mqtt.snapshotMaxBytes and refuses a bigger one with a hint', async () => {
    const take = async () => ({ cameraId: 'c', bytes: 20_000, jpegBase64: 'x' });
    await expect(snapshotHandler(50_000, take)?.({ camera: 'c' }, cmd)).resolves.toMatchObject({
      bytes: 20_000,
    });
    await expect(snapshotHandler(10_000, take)?.({ camera: 'c' }, cmd)).rejects.toThrow(
      /20000 bytes, over mqtt.snapshotMaxBytes \(10000\); take it on site with camgate snapshot/,
    );
  });

  it('no snapshot route: no handler, so the command is answered unsupported', () => {
    expect(snapshotHandler(50_000, undefined)).toBeUndefined();
  });
});
