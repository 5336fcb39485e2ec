// `platte serve`: its options are generated from the settings table (settings.ts), so a setting
// added there is a flag, a variable and a help line at once. The server's code is loaded only when
// the command runs.
import { Option, type Command } from 'commander';
import { helpText, SETTING_LIST, type SettingKey } from '../settings.ts';

/** The options of `platte serve`, each with the setting it sets. */
function serveOptions(): { key: SettingKey; option: Option }[] {
  return SETTING_LIST.map(([key, s]) => ({ key, option: new Option(`${s.flag} <${s.arg}>`, helpText(s)) }));
}

export function registerServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run the Platte server (embedded store in --data-dir unless --redis is given); flags override environment variables');
  const options = serveOptions();
  for (const { option } of options) cmd.addOption(option);
  cmd.action(async (o: Record<string, unknown>) => {
    const flags: Partial<Record<SettingKey, unknown>> = {};
    for (const { key, option } of options) flags[key] = o[option.attributeName()];
    const { startFromFlags } = await import('./serve-action.ts');
    await startFromFlags(flags);
  });
}
