// `platte openapi`: prints the API description (the same document the server serves).
import type { Command } from 'commander';

export function registerOpenApiCommand(program: Command): void {
  program
    .command('openapi')
    .description('print the OpenAPI description of the JSON API')
    .action(async () => {
      const { apiDocument } = await import('../openapi.ts');
      process.stdout.write(`${JSON.stringify(apiDocument(), null, 2)}\n`);
    });
}
