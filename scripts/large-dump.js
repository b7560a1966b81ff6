'use strict';
/**
 * Writes a large diagnose dump: the recorded api-image-pull dump plus COUNT kubelet events, all on the stuck api pod.
 *
 * The shape a busy namespace produces (one pod's pull back-off events dominating), so `npm run bench` measures how
 * reading a dump scales with its size. Usage: node scripts/large-dump.js OUT.json [COUNT]
 */
const fs = require('fs');
const path = require('path');

const SOURCE = path.join(__dirname, '..', 'test', 'fixtures', 'diagnose', 'api-image-pull', 'dump.json');

/** The dump with `count` extra events on its kasm-api pod. */
function largeDump(count) {
  const dump = JSON.parse(fs.readFileSync(SOURCE, 'utf8'));
  const pod = dump.items.find((o) => o.kind === 'Pod' && o.metadata.labels?.['app.kubernetes.io/name'] === 'kasm-api');
  const base = Date.parse('2026-11-22T12:00:00Z');
  for (let i = 0; i < count; i++) {
    const at = new Date(base + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    dump.items.push({
      apiVersion: 'v1', kind: 'Event', type: i % 2 ? 'Normal' : 'Warning', count: 1 + (i % 25), eventTime: null,
      reason: i % 2 ? 'BackOff' : 'Failed',
      message: i % 2 ? 'Back-off pulling image "kasmweb/api:1.81.1"'
        : `Failed to pull image "kasmweb/api:1.81.1": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/kasmweb/api:1.81.1": failed to resolve reference "docker.io/kasmweb/api:1.81.1": docker.io/kasmweb/api:1.81.1: not found (attempt ${i})`,
      firstTimestamp: at, lastTimestamp: at,
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, namespace: 'kasm', uid: pod.metadata.uid, fieldPath: 'spec.containers{kasm-api}' },
      metadata: { name: `${pod.metadata.name}.${(0x18ea600000000000n + BigInt(i)).toString(16)}`, namespace: 'kasm', creationTimestamp: at, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
      reportingComponent: 'kubelet', reportingInstance: 'k3s-node-1', source: { component: 'kubelet', host: 'k3s-node-1' },
    });
  }
  return dump;
}

module.exports = { largeDump };

if (require.main === module) {
  const [out, count] = process.argv.slice(2);
  if (!out) {
    process.stderr.write('usage: node scripts/large-dump.js OUT.json [COUNT]\n');
    process.exit(2);
  }
  fs.writeFileSync(out, JSON.stringify(largeDump(Number(count ?? 30000))));
}
