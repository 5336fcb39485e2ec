// Options of the release commands that act on one app.
import { Option, type Command } from 'commander';
import { withClientOptions } from '../../kernel/cli/common.ts';
import { FLATCAR_APP_ID } from '../../protocol/omaha/appid.ts';

/** withClientOptions plus --app (default: Flatcar). */
export function withAppOptions(cmd: Command): Command {
  return withClientOptions(cmd).addOption(new Option('--app <appid>', 'Omaha app id').env('PLATTE_APP').default(FLATCAR_APP_ID));
}
