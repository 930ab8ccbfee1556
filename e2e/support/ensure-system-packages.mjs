// Runs before `playwright test`: Playwright must not download browsers here, so it uses Debian's
// Chromium; the tests need ffmpeg, and the offline-engine tests PocketSphinx, its English model and
// its test recordings. Installs them when possible, else explains how.
import { accessSync, constants, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const packages = ['chromium', 'ffmpeg', 'pocketsphinx', 'pocketsphinx-en-us', 'pocketsphinx-testdata'];
const installCommand = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(' ')}`;

function isExecutable(filePath) {
  try {
    accessSync(filePath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(command) {
  const directories = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return directories.map((directory) => path.join(directory, command)).find(isExecutable) ?? null;
}

function missingPackages() {
  const missing = [];
  if (!isExecutable(chromiumPath)) missing.push('chromium');
  if (findOnPath('ffmpeg') === null) missing.push('ffmpeg');
  if (findOnPath('pocketsphinx_continuous') === null) missing.push('pocketsphinx');
  if (!existsSync('/usr/share/pocketsphinx/model/en-us/en-us.lm.bin')) missing.push('pocketsphinx-en-us');
  if (!existsSync('/usr/share/pocketsphinx/test/data/goforward.raw')) missing.push('pocketsphinx-testdata');
  return missing;
}

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    console.error(`${command} failed (${result.error?.message ?? `exit code ${result.status}`}).`);
    process.exit(1);
  }
}

const missing = missingPackages();
if (missing.length > 0) {
  console.log(`e2e needs system packages that are missing: ${missing.join(', ')} (chromium at ${chromiumPath}).`);
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || findOnPath('apt-get') === null) {
    console.error(`Install them, then re-run:\n  sudo sh -c '${installCommand}'`);
    process.exit(1);
  }
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', ...missing]);
  const stillMissing = missingPackages();
  if (stillMissing.length > 0) {
    console.error(
      `Still missing after apt-get: ${stillMissing.join(', ')}. ` +
        'If CHROMIUM_PATH points elsewhere than /usr/bin/chromium, fix or unset it.',
    );
    process.exit(1);
  }
}
