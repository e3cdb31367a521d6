// Preloaded into every benchmarked child (node --require): on exit, writes the child's own peak
// resident set size (process.resourceUsage().maxRSS, KiB) and CPU times to BENCH_RSS_FILE.
'use strict';
const fs = require('node:fs');
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    fs.writeFileSync(file, JSON.stringify({ code, maxRssKiB: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }));
  });
}
