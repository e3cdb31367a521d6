// Preloaded into every benchmarked child (node --require): on exit, writes the child's own peak
// resident set size (process.resourceUsage().maxRSS, KiB) and CPU times to BENCH_RSS_FILE, and the CPU
// time of the processes it waited for (cutime + cstime from /proc/self/stat on Linux): the compliance
// gate's cfn-guard runs in such a child process, and its CPU is part of the synth's cost.
'use strict';
const fs = require('node:fs');
const file = process.env.BENCH_RSS_FILE;

/** CPU ms of the waited-for children (Linux only; 0 elsewhere). */
function childrenCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): cutime is field 16, cstime field 17, in clock ticks (100 per second on Linux).
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return 0;
  }
}

if (file) {
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({ code, maxRssKiB: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, childrenMs: childrenCpuMs() }),
    );
  });
}
