import type { CliCommand } from '../command.js';
import { acceptanceCommand } from './acceptance.js';
import { camerasCommand } from './cameras.js';
import { configCommand } from './config.js';
import { doctorCommand } from './doctor.js';
import { liveCommand } from './live.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { statusCommand } from './status.js';

/** Every `camgate` subcommand; add one line per command. */
export const commands: readonly CliCommand[] = [
  runCommand,
  statusCommand,
  camerasCommand,
  configCommand,
  reportCommand,
  doctorCommand,
  liveCommand,
  acceptanceCommand,
];
