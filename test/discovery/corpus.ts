import fs from 'node:fs';
import path from 'node:path';

/** Read-only access to the shared capture corpus; tests only parse it, never connect to its addresses. */
export const CORPUS = process.env.CAMGATE_CORPUS ?? '/work/shared/corpus/onvif';

export function corpus(file: string): string {
  return fs.readFileSync(path.join(CORPUS, file), 'utf8');
}

export function corpusExists(file: string): boolean {
  return fs.existsSync(path.join(CORPUS, file));
}

export function deviceFolders(): string[] {
  return fs
    .readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** First existing file among candidates (folders name the same call differently). */
export function firstCorpus(device: string, candidates: readonly string[]): string | undefined {
  for (const c of candidates) if (corpusExists(path.join(device, c))) return corpus(path.join(device, c));
  return undefined;
}
