import 'server-only';

import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import requirements from './requirements.json';

export type EngineStatus = {
  available: boolean;
  /** Debian packages that are missing, e.g. `['pocketsphinx', 'pocketsphinx-en-us']`. */
  missing: string[];
  /** The command that installs them on this system, when it has apt-get. */
  installCommand: string | undefined;
};

/** A missing program may be installed while the app runs: look again after this long. */
const RECHECK_MISSING_MS = 30_000;

export const modelPaths = {
  hmm: path.join(requirements.modelDir, 'en-us'),
  lm: path.join(requirements.modelDir, 'en-us.lm.bin'),
  dict: path.join(requirements.modelDir, 'cmudict-en-us.dict'),
};

function canAccess(filePath: string, mode: number) {
  try {
    accessSync(filePath, mode);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(command: string) {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some((directory) => canAccess(path.join(directory, command), constants.X_OK));
}

function checkStatus(): EngineStatus {
  const missing = new Set<string>();
  for (const program of requirements.programs) {
    if (!findOnPath(program.command)) missing.add(program.package);
  }
  for (const file of requirements.modelFiles) {
    if (!canAccess(path.join(requirements.modelDir, file.path), constants.R_OK)) missing.add(file.package);
  }
  const packages = [...missing];
  return {
    available: packages.length === 0,
    missing: packages,
    installCommand: packages.length > 0 && findOnPath('apt-get') ? `sudo apt-get install -y ${packages.join(' ')}` : undefined,
  };
}

let cached: { status: EngineStatus; checkedAt: number } | undefined;

/** Whether the engine's programs and model are installed (cached; a miss is checked again after 30 s). */
export function getEngineStatus(): EngineStatus {
  if (!cached || (!cached.status.available && Date.now() - cached.checkedAt > RECHECK_MISSING_MS)) {
    cached = { status: checkStatus(), checkedAt: Date.now() };
  }
  return cached.status;
}
