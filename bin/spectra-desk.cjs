#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'out', 'cli', 'index.cjs');
if (!fs.existsSync(cli)) {
  process.stderr.write('spectra-desk is not built yet. Run `npm install` (or `npm run build`) in the Spectra Desk folder first.\n');
  process.exit(2);
}
require(cli);
