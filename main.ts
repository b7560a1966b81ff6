/**
 * Synthesizes every variant into dist/<variant>/ (`npm run synth`).
 *
 * Configuration mistakes are reported as one readable message, not a stack trace from inside cdk8s.
 */
import * as path from 'path';
import { VARIANTS } from './charts';
import { synthVariants } from './lib/gitops/dist-writer';
import { KasmConfigError } from './lib/core/validation';
import { OutputFolderError } from './lib/gitops/owned-output';
import { KasmValidationError } from './lib/core/findings';

try {
  const outdir = path.join(__dirname, 'dist');
  for (const dir of synthVariants(VARIANTS, outdir)) {
    process.stdout.write(`synthesized ${path.relative(process.cwd(), dir) || dir}\n`);
  }
} catch (err) {
  if (err instanceof KasmConfigError || err instanceof OutputFolderError || err instanceof KasmValidationError) {
    process.stderr.write(`cdk8s-kasm: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
