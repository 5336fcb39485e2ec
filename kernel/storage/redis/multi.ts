// MULTI … EXEC as every store family runs it: the replies in order, or the first command's error.
import type { ChainableCommander } from 'ioredis';

/** Sends the transaction; its replies in command order. Throws the first command error, or when EXEC was aborted. */
export async function execAll(multi: ChainableCommander): Promise<unknown[]> {
  const result = await multi.exec();
  if (!result) throw new Error('Redis transaction was aborted');
  return result.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
