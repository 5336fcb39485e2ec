// `platte serve` and its options (flags override environment variables; see server/config.ts).
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../../kernel/log.ts';
import { closeOnSignals, startServer } from '../serve.ts';
import { CliError } from '../../kernel/cli/client.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the Platte server (embedded store in --data-dir unless --redis is given)')
    .option('--port <port>', 'TCP port [PLATTE_PORT, 8080]')
    .option('--host <host>', 'address to listen on [PLATTE_HOST, 127.0.0.1]')
    .option('--data-dir <dir>', 'embedded store directory [PLATTE_DATA_DIR, ./data]')
    .option('--redis <url>', 'use Redis instead of the embedded store [PLATTE_REDIS_URL]')
    .option('--redis-prefix <prefix>', 'key prefix in Redis [PLATTE_REDIS_PREFIX, platte]')
    .option('--admin-token <token>', 'admin token [PLATTE_ADMIN_TOKEN]; without one, the first start prints a new one')
    .option('--trusted-proxy <addr...>', 'proxies whose X-Forwarded-For is believed (IPs or CIDRs) [PLATTE_TRUSTED_PROXIES, comma-separated]')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent [PLATTE_LOG_LEVEL, info]')
    .option('--request-timeout <seconds>', 'a whole request (headers and body) must arrive within this, else 408 [PLATTE_REQUEST_TIMEOUT, 30]')
    .option('--poll-interval <seconds>', 'PollInterval sent to nodes [PLATTE_POLL_INTERVAL]')
    .option('--unknown-groups <mode>', 'FleetLock groups nobody configured: create|refuse [PLATTE_UNKNOWN_GROUPS, create]')
    .option('--max-auto-groups <n>', 'at most this many groups created on first use [PLATTE_MAX_AUTO_GROUPS, 100]')
    .option('--default-max-holders <n>', 'slots of a group created on first use [PLATTE_DEFAULT_MAX_HOLDERS, 1]')
    .option('--default-lease <seconds>', 'reboot slot lease [PLATTE_DEFAULT_LEASE_SECONDS, 3600]')
    .option('--default-lease-policy <policy>', 'lease ran out: hold (keep the slot until an operator acts) or release [PLATTE_DEFAULT_LEASE_POLICY, hold]')
    .action(async (o: Record<string, unknown>) => {
      let config;
      try {
        config = loadConfig({
          port: o.port,
          host: o.host,
          dataDir: o.dataDir,
          redisUrl: o.redis,
          redisPrefix: o.redisPrefix,
          adminToken: o.adminToken,
          trustedProxies: o.trustedProxy,
          logLevel: o.logLevel,
          requestTimeout: o.requestTimeout,
          pollInterval: o.pollInterval,
          unknownGroups: o.unknownGroups,
          maxAutoGroups: o.maxAutoGroups,
          defaultMaxHolders: o.defaultMaxHolders,
          defaultLeaseSeconds: o.defaultLease,
          defaultLeasePolicy: o.defaultLeasePolicy,
        });
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(err.message, 2);
        throw err;
      }
      const log = createLogger(config.logLevel);
      const running = await startServer(config, log);
      closeOnSignals(running, log);
    });
}
