#!/usr/bin/env node
// Renders icon.svg to icon.png (512×512, transparent corners) with headless Chromium.
// Run after editing the SVG: node assets/icons/render-icon.mjs [path-to-chromium]
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const dir = path.dirname(fileURLToPath(import.meta.url));
const browser = await chromium.launch({ executablePath: process.argv[2] ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(path.join(dir, 'icon.svg')).href);
  await page.screenshot({ path: path.join(dir, 'icon.png'), omitBackground: true, clip: { x: 0, y: 0, width: 512, height: 512 } });
} finally {
  await browser.close();
}
console.log(`wrote ${path.join(dir, 'icon.png')}`);
