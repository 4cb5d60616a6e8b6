/**
 * Headless Debian Chromium for the browser tests (installed by .ci/install-e2e-deps). The flags keep it from
 * reaching for the network on its own (updates, sync, QUIC probes), which this machine refuses.
 */
export const CHROMIUM_EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
