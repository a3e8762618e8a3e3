import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deferCleanup } from './testCleanup.js';

/** A fresh directory under the OS temp dir, removed when the test (or, from `beforeAll`, the file) ends. */
export function useTempDir(prefix = 'camgate-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  deferCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
