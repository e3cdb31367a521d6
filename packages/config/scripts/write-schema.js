// Writes config/config.schema.json from the zod schema (`npm run config:schema` at the root
// builds this package first). A unit test fails when the committed file is out of date.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { configJsonSchema } = require('../dist');

const out = join(__dirname, '..', '..', '..', 'config', 'config.schema.json');
writeFileSync(out, JSON.stringify(configJsonSchema(), null, 2) + '\n');
console.log(`wrote ${out}`);
