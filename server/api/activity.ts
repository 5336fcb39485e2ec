// Builds activity-log entries for release-manager actions.
import type { ActivityEntry } from '../domain/types.ts';

export function activity(
  appId: string,
  kind: ActivityEntry['kind'],
  actor: string,
  at: number,
  message: string,
  data: ActivityEntry['data'] = {},
): ActivityEntry {
  return { at, appId, kind, actor, message, data };
}
