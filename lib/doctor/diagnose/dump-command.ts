/**
 * The one shell command that writes a dump for a bug report (the fixture README's jq pipeline).
 *
 * Users attach its output instead of pasting screens of `kubectl describe`; it blanks every Secret value and the
 * `last-applied-configuration` annotation that would otherwise carry them.
 */

/** Namespaced kinds the dump holds; the live mode fetches exactly these. */
export const NAMESPACED_RESOURCES = 'pods,pvc,jobs,events,services,endpoints,replicasets,deployments,statefulsets,configmaps,networkpolicies,serviceaccounts';
/** Cluster-wide kinds the dump holds. */
export const CLUSTER_RESOURCES = 'storageclasses,nodes,persistentvolumes';

/** Quotes a word for POSIX sh when it holds anything but safe characters. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The dump command for a namespace, with `--context` on every kubectl call when one is given. */
export function dumpCommand(namespace: string, context?: string): string {
  const kubectl = context ? `kubectl --context ${shellQuote(context)}` : 'kubectl';
  return [
    `ns=${shellQuote(namespace)}`,
    `jq -s '{apiVersion: "v1", kind: "List", metadata: {resourceVersion: ""},`,
    '  items: (.[0].items',
    '    + (.[2].items | map(.data = ((.data // {}) | map_values("")) | del(.stringData)',
    '        | del(.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"])))',
    `    + .[1].items)}' \\`,
    `  <(${kubectl} get ${NAMESPACED_RESOURCES} -n "$ns" -o json) \\`,
    `  <(${kubectl} get ${CLUSTER_RESOURCES} -o json) \\`,
    `  <(${kubectl} get secrets -n "$ns" -o json) > dump.json`,
  ].join('\n');
}
