#!/usr/bin/env node
// Entry point of the `platte` command: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../platte/cli/main.ts');
