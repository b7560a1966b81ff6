/**
 * Writes cli/values/values.schema.json and the configuration reference (docs/configuration.md) from the key tree in
 * charts/spec/keys.ts (`npm run values-schema`); the test suite fails when either is stale, so the schema, the
 * documentation and the CLI's checks never drift apart.
 */
import * as fs from 'fs';
import * as path from 'path';
import { withValuesReference } from '../cli/values/reference';
import { valuesJsonSchemaText } from '../cli/values/values-file';

const root = path.join(__dirname, '..');
const schema = path.join(root, 'cli', 'values', 'values.schema.json');
fs.writeFileSync(schema, valuesJsonSchemaText());
const reference = path.join(root, 'docs', 'configuration.md');
fs.writeFileSync(reference, withValuesReference(fs.readFileSync(reference, 'utf8')));
for (const file of [schema, reference]) process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
