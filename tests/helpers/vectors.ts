// The wire samples in shared/vectors/omaha/, which sits beside the repository (here and in CI).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR = fileURLToPath(new URL('../../../shared/vectors/omaha/', import.meta.url));

export function vector(name: string): string {
  return fs.readFileSync(VECTORS_DIR + name, 'utf8');
}
