/** The whole Job in order: credentials and their copies, then the CA, then every leaf; it only ever adds. */
import { ensureCa, ensureCertificate } from './certificates';
import { ensureCredentials, ensureMirror } from './credentials';
import type { GeneratorSummaryEntry } from './generated-secret';
import { kubeConfig, SecretsApi } from './kube-client';
import { validatePlan } from './plan';

/** Reconciles the cluster with the plan; returns what happened to each Secret. */
export async function run(planInput: unknown, env: NodeJS.ProcessEnv = process.env): Promise<GeneratorSummaryEntry[]> {
  const plan = validatePlan(planInput);
  const log = (line: string) => console.log(`secret-generator: ${line}`);
  const config = kubeConfig(env);
  const api = new SecretsApi(config, plan.namespace);
  const summary: GeneratorSummaryEntry[] = [];
  if (plan.credentials) {
    summary.push(await ensureCredentials(plan, plan.credentials, api, log));
    for (const mirror of plan.mirrors ?? []) {
      summary.push(await ensureMirror(plan, plan.credentials, api, new SecretsApi(config, mirror.namespace), mirror, log));
    }
  }
  if (plan.ca) {
    const { entry, ca } = await ensureCa(plan, plan.ca, api, log);
    summary.push(entry);
    for (const cert of plan.certificates ?? []) summary.push(await ensureCertificate(plan, api, cert, ca, log));
  }
  return summary;
}
