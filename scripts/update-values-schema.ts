/**
 * Writes lib/values/values.schema.json from the key tree in lib/values/keys.ts (`npm run values-schema`); the test
 * suite fails when the committed file is stale, so the schema and the CLI's checks never drift apart.
 */
import * as fs from 'fs';
import * as path from 'path';
import { valuesJsonSchemaText } from '../lib/values/values-file';

const file = path.join(__dirname, '..', 'lib', 'values', 'values.schema.json');
fs.writeFileSync(file, valuesJsonSchemaText());
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
