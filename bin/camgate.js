#!/usr/bin/env node
import { installCrashHandlers, main } from '../dist/src/cli/main.js';

// Before anything can throw: an uncaught error or unhandled rejection is logged redacted and exits 1.
const crash = installCrashHandlers(process, process.stderr);
// `camgate status --json | head`: a reader that stops early is not a crash of a CLI command (it was
// "fatal uncaughtException: write EPIPE", exit 1). The daemon keeps the crash: systemd restarts it.
if (process.argv[2] !== 'run') {
  process.stdout.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
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
