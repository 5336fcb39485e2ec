// Decide-then-write for a channel: read the app's config, let a pure rule decide the channel's new
// record on it, and write it only if the config is still the one decided on (the store's
// compare-and-set on the config epoch). Another process writing in between makes the write stale;
// the rule then runs again on what that process wrote. Promotions, rollout actions, the automatic
// rollout rules and pulls all change channels this way, so none overwrites another's change.
import { ApiError } from '../../kernel/http/errors.ts';
import { StoreContentionError } from '../../kernel/storage/unavailable.ts';
import type { ActivityEntry, AppConfig, ChannelRecord } from '../domain/types.ts';
import type { ReleaseStore } from '../store/types.ts';

export type ChannelDecision<T> =
  | { channel: ChannelRecord; activity: ActivityEntry[]; result: T }
  /** Nothing to write: the answer as it is. */
  | { unchanged: T }
  | { refused: ApiError };

/** Writes that lost to another writer this many times in a row give up (a 503: try again). */
const MAX_TRIES = 25;

/** The 404 of a channel that does not exist, naming the app's channels so a typo is plain to see. */
export function noChannelError(appId: string, name: string, names: readonly string[]): ApiError {
  const known = names.length > 0 ? `channels: ${names.join(', ')}` : 'the app has no channels yet';
  return new ApiError('not_found', `no channel "${name}"; ${known} (create one with POST /api/v1/apps/{app}/channels)`);
}

export async function updateChannel<T>(
  store: ReleaseStore,
  appId: string,
  name: string,
  decide: (config: AppConfig, channel: ChannelRecord) => ChannelDecision<T> | Promise<ChannelDecision<T>>,
): Promise<T> {
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const config = await store.loadAppConfig(appId);
    if (!config) throw new ApiError('not_found', `no app ${appId}`);
    const channel = config.channels.find((c) => c.name === name);
    if (!channel) throw noChannelError(appId, name, config.channels.map((c) => c.name));
    const d = await decide(config, channel);
    if ('refused' in d) throw d.refused;
    if ('unchanged' in d) return d.unchanged;
    const written = await store.writeChannel(d.channel, config.epoch, d.activity);
    if (written === 'written') return d.result;
    if (written === 'no-package') throw new ApiError('conflict', `no package of version ${d.channel.version} in app ${appId}; publish it first`);
    if (written === 'no-app') throw new ApiError('not_found', `no app ${appId}`);
    if (written === 'no-channel') throw noChannelError(appId, name, []);
    // 'stale': another write landed since the read; decide again on it.
  }
  throw new StoreContentionError(`channel ${name} of app ${appId} kept changing (${MAX_TRIES} tries)`);
}
