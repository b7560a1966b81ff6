/**
 * The database as the control plane's pods address it (private to the control plane).
 *
 * Kasm 1.18.1 takes any `POSTGRES_HOST`; a database in another namespace is reached by its fully qualified Service
 * name. Kasm 1.16.0's api and manager always call `db`, so a database under any other name gets an alias Service
 * `db` in the control plane's namespace: an ExternalName for a host name, a selector-less Service with an
 * EndpointSlice for an IPv4 address.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ClusterProfile } from '../cluster/profile';
import { KasmVersion } from '../contract/version';
import { instanceLabels, SyncWave, waveAnnotation } from '../core/metadata';
import { fail, show } from '../core/validation';
import { IKasmDatabase } from '../database/interface';
import { KasmDatabase } from '../database/kasm-database';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The host the control plane's env and wait loops use, after adding an alias Service where the release needs one. */
export function databaseHostFor(scope: Construct, database: IKasmDatabase, ctx: {
  readonly namespace: string; readonly instance: string; readonly version: KasmVersion; readonly cluster: ClusterProfile;
}): string {
  let host = database.host;
  // Our own database in another namespace: its Service's short name does not resolve from here.
  if (database instanceof KasmDatabase && database.namespace !== ctx.namespace) {
    host = `${database.host}.${database.namespace}.svc.${ctx.cluster.clusterDomain}`;
  }
  const fixed = ctx.version.contract.database.fixedClientHost;
  if (!fixed || host === fixed) return host;
  const labels = { ...instanceLabels(ctx.instance, ctx.version.version), 'app.kubernetes.io/component': 'database-alias' };
  const metadata = { name: fixed, namespace: ctx.namespace, labels, annotations: waveAnnotation(SyncWave.DATABASE) };
  const fixedPort = ctx.version.contract.database.component.ports[0].port;
  if (IPV4.test(host)) {
    new k8s.KubeService(scope, 'DatabaseAlias', {
      metadata,
      spec: { ports: [{ name: 'postgres', port: fixedPort, targetPort: k8s.IntOrString.fromNumber(database.port), protocol: 'TCP' }] },
    });
    new k8s.KubeEndpointSlice(scope, 'DatabaseAliasEndpoints', {
      metadata: { ...metadata, name: `${fixed}-alias`, labels: { ...labels, 'kubernetes.io/service-name': fixed } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [host] }],
      ports: [{ name: 'postgres', port: database.port, protocol: 'TCP' }],
    });
  } else {
    if (database.port !== fixedPort) {
      fail('KasmControlPlane', 'database.port', database.port, `is not accepted with Kasm ${ctx.version.version}: its api and manager always `
        + `connect to ${show(fixed)} on ${fixedPort}, and an ExternalName alias cannot change the port; serve the database on ${fixedPort} `
        + 'or give its IPv4 address as the host');
    }
    new k8s.KubeService(scope, 'DatabaseAlias', {
      metadata,
      spec: { type: 'ExternalName', externalName: host, ports: [{ name: 'postgres', port: fixedPort, protocol: 'TCP' }] },
    });
  }
  return fixed;
}
