#!/usr/bin/env node
import { installCrashHandlers, main } from '../dist/src/cli/main.js';

// Before anything can throw: an uncaught error or unhandled rejection is logged redacted and exits 1.
const crash = installCrashHandlers(process, process.stderr);
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTty: Boolean(process.stdout.isTTY),
  crash,
});
process.exitCode = code;
// Let stdout drain, but never let a forgotten handle keep a finished command (or a stopped daemon) alive.
setTimeout(() => process.exit(code), 2000).unref();
