// Every App synthesized without an outdir writes its assembly to a fresh `<tmp>/cdk.outXXXXXX`
// (aws-cdk-lib FileSystem.mkdtemp): a full `npm test` left about 780 of them behind. Record the
// ones this test file creates and remove them when it is done (never another worker's: only the
// directories this process made).
const fs = require('fs');
const path = require('path');

const created = [];
const mkdtempSync = fs.mkdtempSync;
fs.mkdtempSync = function recordingMkdtempSync(prefix, ...rest) {
  const dir = mkdtempSync.call(fs, prefix, ...rest);
  if (path.basename(String(prefix)).startsWith('cdk.out')) created.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
