// Tests clean up after themselves. Every App synthesized without an outdir writes its assembly to a
// fresh `<tmp>/cdk.outXXXXXX` (aws-cdk-lib FileSystem.mkdtemp), and many tests make temporary
// directories of their own (`mkdtempSync(join(tmpdir(), 'prefix-'))`): a full `npm test` left
// hundreds behind. Record every directory this test file creates directly in the system temp
// directory and remove them when it is done (never another worker's: only the ones made here).
const fs = require('fs');
const os = require('os');
const path = require('path');

const created = [];
const tmp = path.resolve(os.tmpdir());
const mkdtempSync = fs.mkdtempSync;
fs.mkdtempSync = function recordingMkdtempSync(prefix, ...rest) {
  const dir = mkdtempSync.call(fs, prefix, ...rest);
  if (path.dirname(path.resolve(dir)) === tmp) created.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
