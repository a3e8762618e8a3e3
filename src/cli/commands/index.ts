import type { CliCommand } from '../command.js';
import { acceptanceCommand } from './acceptance.js';
import { camerasCommand } from './cameras.js';
import { centreCommand } from './centre.js';
import { configCommand } from './config.js';
import { discoverCommand } from './discover.js';
import { doctorCommand } from './doctor.js';
import { liveCommand } from './live.js';
import { outagesCommand } from './outages.js';
import { probeCommand } from './probe.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { snapshotCommand } from './snapshot.js';
import { statusCommand } from './status.js';
import { whyCommand } from './why.js';

/** Every `camgate` subcommand; add one line per command. */
export const commands: readonly CliCommand[] = [
  runCommand,
  statusCommand,
  camerasCommand,
  discoverCommand,
  configCommand,
  probeCommand,
  whyCommand,
  outagesCommand,
  reportCommand,
  doctorCommand,
  liveCommand,
  snapshotCommand,
  acceptanceCommand,
  centreCommand,
];
