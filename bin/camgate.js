#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTty: Boolean(process.stdout.isTTY),
});
process.exitCode = code;
// Let stdout drain, but never let a forgotten handle keep a finished command (or a stopped daemon) alive.
setTimeout(() => process.exit(code), 2000).unref();
