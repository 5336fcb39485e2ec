// Size, SHA-256 and SHA-1 of a local payload file, streamed (payloads are hundreds of MB).
import crypto from 'node:crypto';
import fs from 'node:fs';

export interface FileDigest {
  size: number;
  /** base64 */
  sha256: string;
  /** base64 */
  sha1: string;
}

export async function digestFile(file: string): Promise<FileDigest> {
  const sha256 = crypto.createHash('sha256');
  const sha1 = crypto.createHash('sha1');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    const b = chunk as Buffer;
    size += b.length;
    sha256.update(b);
    sha1.update(b);
  }
  return { size, sha256: sha256.digest('base64'), sha1: sha1.digest('base64') };
}
