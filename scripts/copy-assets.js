'use strict';
/**
 * Copies the non-TypeScript files the compiled library reads at run time into build/ (`npm run build`): the secret
 * generator's bundle the Job runs (`npm run generator`), the schema data the validator loads, and the values files' JSON Schema. Dependency-free, so it runs anywhere
 * `npm pack` does.
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const assets = [
  ['lib/security/generator/secret-generator.generated.js', 'build/lib/security/generator/secret-generator.generated.js'],
  ['cli/values/values.schema.json', 'build/cli/values/values.schema.json'],
];
for (const file of fs.readdirSync(path.join(root, 'lib/doctor/schemas')).filter((f) => f.endsWith('.json')).sort()) {
  assets.push([`lib/doctor/schemas/${file}`, `build/lib/doctor/schemas/${file}`]);
}
for (const [from, to] of assets) {
  fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
  fs.copyFileSync(path.join(root, from), path.join(root, to));
}
process.stdout.write(`copied ${assets.length} assets into build/\n`);
