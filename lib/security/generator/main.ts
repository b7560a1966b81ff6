/**
 * The Job's entry (`node secret-generator.js plan.json`, bundled by `npm run generator`): reads the plan, reconciles,
 * and turns any failure into one readable line on stderr and exit code 1, which the pod's termination message shows.
 */
import * as fs from 'fs';
import { run } from './reconcile';

/** Runs the generator as the CLI does; resolves with the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    if (argv.length !== 1) throw new Error('usage: node secret-generator.js <plan.json>');
    let plan: unknown;
    try {
      plan = JSON.parse(fs.readFileSync(argv[0], 'utf8'));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new Error(`cannot read the plan ${argv[0]}: ${err.code || err.message}`);
    }
    const summary = await run(plan, env);
    const changed = summary.filter((s) => s.action !== 'unchanged').length;
    console.log(`secret-generator: done, ${changed} of ${summary.length} Secrets created or completed`);
    return 0;
  } catch (e) {
    const err = e as Error | undefined;
    console.error(`secret-generator: ${err && err.message ? err.message : String(e)}`);
    if (env.KASM_GENERATOR_DEBUG === '1' && err && err.stack) console.error(err.stack);
    return 1;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
