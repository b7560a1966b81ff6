/**
 * Why an image cannot be pulled: the tag does not exist, the registry wants credentials, or it cannot be reached.
 *
 * The kubelet's message carries the registry's own answer; the three cases need three different fixes (correct
 * the tag, add a pull secret, open the network), so the answer is classified instead of quoted whole.
 */
import { DiagnosisContext, eventLine, explain, Explanation, kubectl, podHop, workloadText } from '../cause';
import { ContainerStatus, KubeObject } from '../types';

/** What the registry's answer means. */
export type PullFailure = 'not-found' | 'unauthorized' | 'unreachable' | 'invalid-name' | 'other';

/** Classifies a kubelet/containerd pull error message. */
export function classifyPullError(message: string): PullFailure {
  if (/InvalidImageName|invalid reference format/i.test(message)) return 'invalid-name';
  if (/\b401\b|\b403\b|unauthori[sz]ed|authorization failed|pull access denied|insufficient_scope|authentication required|denied: /i.test(message)) return 'unauthorized';
  if (/code = NotFound|: not found\b|manifest unknown|not found: manifest|manifest for .* not found/i.test(message)) return 'not-found';
  if (/dial tcp|no such host|i\/o timeout|connection refused|TLS handshake timeout|network is unreachable|context deadline exceeded|x509:|server misbehaving|connection reset/i.test(message)) return 'unreachable';
  return 'other';
}

/** The registry host of an image reference (Docker Hub for short names). */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/** Repository and tag of a reference without its registry ('registry:5000/kasmweb/api:1.18.1' -> kasmweb/api, 1.18.1). */
function repoAndTag(image: string): { repo: string; tag?: string } {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
  const ref = tag ? withoutDigest.slice(0, colon) : withoutDigest;
  const registry = registryOf(ref);
  const repo = registry === 'docker.io' && !ref.startsWith('docker.io/') ? ref : ref.slice(registry.length + 1);
  return { repo: repo.replace(/^library\//, ''), tag };
}

/** The registry's own words, cut from the kubelet message ("... failed to resolve image: <answer>"). */
export function registryAnswer(message: string): string {
  const markers = ['failed to resolve image: ', 'failed to resolve reference ', 'desc = '];
  for (const m of markers) {
    const i = message.lastIndexOf(m);
    if (i >= 0) return message.slice(i + m.length).replace(/^"([^"]*)"/, '$1').trim();
  }
  return message.trim();
}

/** The newest pull message: the container's waiting message, else its latest "Failed to pull image" event. */
function pullMessage(ctx: DiagnosisContext, pod: KubeObject, container: string, status?: ContainerStatus): string {
  const waiting = status?.state?.waiting?.message ?? '';
  if (classifyPullError(waiting) !== 'other') return waiting;
  const event = [...ctx.dump.eventsFor('Pod', pod.metadata.name)].reverse()
    .find((e) => e.reason === 'Failed' && /Failed to pull image/.test(e.message ?? '') && (!e.involvedObject.fieldPath || e.involvedObject.fieldPath.includes(`{${container}}`)));
  return event?.message ?? waiting;
}

/** When a Kasm image's tag differs from the release tag: why (a swapped digit?) and the image the release uses. */
function releaseImage(ctx: DiagnosisContext, image: string): { hint: string; image: string } | undefined {
  const { repo, tag } = repoAndTag(image);
  const contract = ctx.topology.version.contract;
  const known = [...Object.values(contract.components), contract.dbInit].find((c: any) => (c?.image?.repository ?? '') === repo) as any;
  const release: string | undefined = known?.image?.tag;
  if (!release || !tag || release === tag) return undefined;
  const anagram = [...tag].sort().join('') === [...release].sort().join('');
  const hint = anagram
    ? `${tag} is a typo of the release tag ${release}; an override or patch changed it`
    : `Kasm ${contract.version} uses ${repo}:${release}; an override or patch changed it`;
  const at = image.lastIndexOf(`:${tag}`);
  return { hint, image: `${image.slice(0, at)}:${release}` };
}

/** Pull secrets a pod can use: its own and its ServiceAccount's, with whether each exists in the namespace. */
function pullSecrets(ctx: DiagnosisContext, pod: KubeObject): { name: string; exists: boolean }[] {
  const sa = ctx.dump.get('ServiceAccount', pod.spec?.serviceAccountName ?? 'default');
  const names: string[] = [...(pod.spec?.imagePullSecrets ?? []), ...(sa?.imagePullSecrets ?? [])].map((s: any) => s.name);
  return [...new Set(names)].map((name) => ({ name, exists: ctx.dump.secretKeys(name) !== undefined }));
}

/** The fix for a tag that does not exist: the release's image when it is a Kasm image, else "correct it". */
function fixImage(ctx: DiagnosisContext, pod: KubeObject, container: string, what: string, image: string): string {
  const workload = ctx.dump.workloadOf(pod);
  const release = releaseImage(ctx, image);
  const where = workload ? `${workload.kind} ${workload.metadata.name}` : `the workload of pod ${pod.metadata.name}`;
  if (!release) return `correct the image of ${what} in ${where} to a tag that exists in the registry, then re-apply`;
  const patch = workload && workload.kind !== 'Job'
    ? ` (to try it at once: kubectl -n ${ctx.dump.namespace} set image ${workload.kind.toLowerCase()}/${workload.metadata.name} ${container}=${release.image})`
    : '';
  return `fix the image of ${what} in ${where} (${release.hint}): remove the override, re-synthesize and re-apply${patch}`;
}

/** Explains a container in ErrImagePull, ImagePullBackOff or InvalidImageName. */
export function explainImagePull(ctx: DiagnosisContext, pod: KubeObject, spec: any, status: ContainerStatus | undefined, init: boolean): Explanation {
  const image: string = spec?.image ?? status?.image ?? '?';
  const container: string = spec?.name ?? status?.name ?? '?';
  const waitingReason = status?.state?.waiting?.reason ?? 'ErrImagePull';
  const message = pullMessage(ctx, pod, container, status);
  const kind = waitingReason === 'InvalidImageName' ? 'invalid-name' : classifyPullError(message);
  const answer = registryAnswer(message);
  const registry = registryOf(image);
  const what = `${init ? 'init container' : 'container'} ${container}`;
  const hops = [podHop(pod, `${what} cannot pull ${image} (${waitingReason})`), `registry answer: ${answer}`];
  const evidence = [
    ...(message ? [`${container}: ${message}`] : []),
    ...ctx.dump.eventsFor('Pod', pod.metadata.name).filter((e) => e.reason === 'Failed' && /pull/i.test(e.message ?? '')).slice(-2).map(eventLine),
  ];
  const confirm = kubectl(ctx, `describe pod ${pod.metadata.name}`);
  const workload = workloadText(ctx, pod);

  switch (kind) {
    case 'not-found':
      return explain(hops, {
        id: `image-not-found:${image}`, severity: 'stuck',
        summary: `the image of ${what}, ${image}, cannot be pulled: the tag does not exist (${waitingReason})`,
        confirm,
        fix: fixImage(ctx, pod, container, what, image),
        evidence,
      });
    case 'unauthorized': {
      const secrets = pullSecrets(ctx, pod);
      const missing = secrets.filter((s) => !s.exists);
      const problem = secrets.length === 0
        ? `the pod has no imagePullSecrets (neither its own nor ServiceAccount ${pod.spec?.serviceAccountName ?? 'default'}'s)`
        : missing.length > 0
          ? `its imagePullSecret ${missing.map((s) => s.name).join(', ')} does not exist`
          : `the registry rejects the credentials in ${secrets.map((s) => s.name).join(', ')}`;
      return explain([...hops, `pull secret: ${problem}`], {
        id: `image-unauthorized:${registry}`, severity: 'stuck',
        summary: `registry ${registry} refuses to serve ${image} without valid credentials: ${problem}`,
        confirm,
        fix: `create a pull secret (kubectl -n ${ctx.dump.namespace} create secret docker-registry regcred --docker-server=${registry} `
          + '--docker-username=<user> --docker-password=<token>) and reference it from the pods\' ServiceAccount '
          + `(kubectl -n ${ctx.dump.namespace} patch serviceaccount ${pod.spec?.serviceAccountName ?? 'default'} -p '{"imagePullSecrets":[{"name":"regcred"}]}'), then delete the pod`,
        evidence: [...evidence, `pull secrets: ${secrets.map((s) => `${s.name}${s.exists ? '' : ' (missing)'}`).join(', ') || 'none'}`],
      });
    }
    case 'unreachable':
      return explain(hops, {
        id: `registry-unreachable:${registry}`, severity: 'stuck',
        summary: `registry ${registry} cannot be reached from node ${pod.spec?.nodeName ?? '?'} to pull ${image}: ${answer.replace(`${image}: `, '')}`,
        confirm: `${confirm}; from the node: crictl pull ${image}`,
        fix: `let the node reach ${registry} (DNS, proxy, firewall, CA), or mirror the images into a reachable registry (KasmControlPlane imageRegistry, or k3s registries.yaml)`,
        evidence,
      });
    case 'invalid-name':
      return explain(hops, {
        id: `image-invalid:${image}`, severity: 'stuck',
        summary: `the image reference of ${what}, ${image}, is not a valid name`,
        confirm,
        fix: `correct the image of ${what} in ${workload} (check the imageRegistry prop: host, optional port and path, no scheme)`,
        evidence,
      });
    default:
      return explain(hops, {
        id: `image-pull:${image}`, severity: 'stuck',
        summary: `the image of ${what}, ${image}, cannot be pulled (${waitingReason}): ${answer || 'no message'}`,
        confirm,
        fix: `make ${image} pullable from the node, or correct it in ${workload}`,
        evidence,
      });
  }
}
