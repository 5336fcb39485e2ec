// What `platte serve` does once its flags are parsed; loaded only when the command runs.
import { CliError } from '../../kernel/cli/client.ts';
import { createLogger } from '../../kernel/log.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { closeOnSignals, startServer } from '../serve.ts';
import { StartupError } from '../startup.ts';

/** Configuration and start-up problems the user can fix exit 2 with one line, as usage errors do. */
export async function startFromFlags(flags: Partial<Record<keyof Config, unknown>>): Promise<void> {
  try {
    const config = loadConfig(flags);
    const log = createLogger(config.logLevel);
    const running = await startServer(config, log);
    closeOnSignals(running, log);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StartupError) throw new CliError(err.message, 2);
    throw err;
  }
}
