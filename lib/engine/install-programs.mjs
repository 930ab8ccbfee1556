// Runs before `npm start`: installs what the offline engine needs (ffmpeg, PocketSphinx and its
// US English model, from Debian's packages) when it can, else prints the command. Never fails:
// the app starts either way and says on its main page what is missing.
import { accessSync, constants, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const requirements = JSON.parse(readFileSync(new URL('./requirements.json', import.meta.url), 'utf8'));

function canAccess(filePath, mode) {
  try {
    accessSync(filePath, mode);
    return true;
  } catch {
    return false;
  }
}

function onPath(command) {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some((directory) => canAccess(path.join(directory, command), constants.X_OK));
}

function missingPackages() {
  const missing = new Set();
  for (const program of requirements.programs) if (!onPath(program.command)) missing.add(program.package);
  for (const file of requirements.modelFiles) {
    if (!canAccess(path.join(requirements.modelDir, file.path), constants.R_OK)) missing.add(file.package);
  }
  return [...missing];
}

function run(command, args) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

function install(packages, asRoot) {
  const aptGet = (...args) => (asRoot ? run('apt-get', args) : run('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]));
  // A fresh system may have no package lists yet: update only when the first try fails.
  return aptGet('install', '-y', ...packages) || (aptGet('update') && aptGet('install', '-y', ...packages));
}

/** TRANSCRIBE_BASE_URL from the environment or from the .env files that Next.js reads. */
function usesExternalService() {
  if (process.env.TRANSCRIBE_BASE_URL?.trim()) return true;
  return ['.env', '.env.local', '.env.production', '.env.production.local'].some((file) => {
    try {
      return /^\s*TRANSCRIBE_BASE_URL\s*=\s*['"]?[^\s'"#]/m.test(readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
  });
}

const missing = usesExternalService() ? [] : missingPackages();
if (missing.length > 0) {
  const note = 'The offline engine (used when TRANSCRIBE_BASE_URL is not set)';
  console.log(`${note} needs: ${missing.join(', ')}.`);
  const hasApt = onPath('apt-get');
  const isRoot = process.getuid?.() === 0;
  const canSudo = !isRoot && hasApt && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (hasApt && (isRoot || canSudo)) {
    if (!install(missing, isRoot)) console.log('Installing failed; the app starts without the offline engine.');
  } else if (hasApt) {
    console.log(`Install them with:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\nThe app starts without the offline engine until then.`);
  } else {
    console.log(
      'They come from Debian/Ubuntu packages (apt-get install -y ffmpeg pocketsphinx pocketsphinx-en-us), which this system does not have.\n' +
        'Set TRANSCRIBE_BASE_URL and TRANSCRIBE_API_KEY to use an OpenAI-compatible transcription service instead.',
    );
  }
  const stillMissing = missingPackages();
  if (stillMissing.length === 0) console.log('Offline engine ready.');
}
