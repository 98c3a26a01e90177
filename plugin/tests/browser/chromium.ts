// Debian's Chromium, driven by playwright-core (no browser is ever
// downloaded), and the flags every real-browser run here starts it with:
// headless, no sandbox (root in CI), and no background traffic of its own.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
