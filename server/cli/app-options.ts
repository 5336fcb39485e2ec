// Options of the release commands that act on one app.
import { Option, type Command } from 'commander';
import { withClientOptions } from '../../kernel/cli/common.ts';
import { FLATCAR_APP_ID } from '../../protocol/omaha/appid.ts';

/** What every release command receives: the server, the token and (where it applies) the app. */
export type AppOpts = { server: string; token?: string; app: string; json?: boolean };

/** Path segments are user input: always encoded. */
export const enc = encodeURIComponent;

/** The API path of the app's `rest`. */
export const appPath = (o: AppOpts, rest: string) => `/api/v1/apps/${enc(o.app)}/${rest}`;

/** withClientOptions plus --app (default: Flatcar). */
export function withAppOptions(cmd: Command): Command {
  return withClientOptions(cmd).addOption(new Option('--app <appid>', 'Omaha app id').env('PLATTE_APP').default(FLATCAR_APP_ID));
}
