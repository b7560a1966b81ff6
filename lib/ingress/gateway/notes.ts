/**
 * NOTES.md for the Gateway API front door: where the address comes from, how to see that the routes and the
 * BackendTLSPolicy were accepted, how to fill a CA ConfigMap, and what an attached Gateway must allow.
 */
import { IConstruct } from 'constructs';
import { IKasmControlPlane } from '../../control-plane/interface';
import { addNotes, NotesOrder } from '../../core/notes';
import { IKasmFrontDoor } from '../interface';
import { RouteSupport } from './implementations';
import { GatewayPlan } from './options';

/** Adds the "Reach Kasm through the Gateway" section. */
export function addGatewayNotes(scope: IConstruct, cp: IKasmControlPlane, door: IKasmFrontDoor, plan: GatewayPlan): void {
  const ns = cp.namespace;
  const impl = plan.implementation;
  const first = plan.parents[0];
  const lines: string[] = [];
  lines.push(`Browsers reach \`https://${door.hostnames[0]}/\` through ${impl.name}'s Gateway \`${first.namespace}/${first.name}\`; `
    + `point the host name${door.hostnames.length > 1 ? 's' : ''} (${door.hostnames.map((h) => `\`${h}\``).join(', ')}) at its address:`);
  lines.push(`\`\`\`sh\nkubectl -n ${first.namespace} get gateway ${first.name} -o jsonpath='{.status.addresses[*].value}'; echo\n\`\`\``);
  if (plan.create === undefined) {
    lines.push(`The Gateway is not managed here: its HTTPS listener needs a certificate for these host names, and its \`allowedRoutes\` must admit HTTPRoutes${plan.rdp ? ' and TCPRoutes' : ''} from namespace \`${ns}\`.`);
  } else {
    lines.push(`The Gateway's HTTPS listener (port ${plan.create.httpsPort}) serves the Secret \`${door.tlsSecretName}\`${plan.create.namespace === ns ? '' : ` (read from \`${ns}\` through the ReferenceGrant \`${cp.name}-gateway-certificate\`)`}.`);
  }
  lines.push(`The routes and the BackendTLSPolicy must say \`Accepted\` and \`ResolvedRefs\`:\n\n\`\`\`sh\n`
    + `kubectl -n ${ns} get httproute ${cp.name} -o jsonpath='{range .status.parents[*].conditions[*]}{.type}={.status} {.reason}{"\\n"}{end}'\n`
    + `kubectl -n ${ns} get backendtlspolicy ${cp.name}-proxy -o jsonpath='{range .status.ancestors[*].conditions[*]}{.type}={.status} {.reason}{"\\n"}{end}'\n\`\`\``);
  if (plan.backendCa.kind === 'ConfigMap') {
    lines.push(`${impl.name} verifies the proxy against the ConfigMap \`${plan.backendCa.name}\` (key \`ca.crt\`). If nothing else fills it (e.g. trust-manager), copy the internal CA once it exists, and again when it is renewed:`
      + `\n\n\`\`\`sh\nkubectl -n ${ns} create configmap ${plan.backendCa.name} --from-literal=ca.crt="$(kubectl -n ${ns} get secret ${cp.name}-internal-ca -o jsonpath='{.data.ca\\.crt}' | base64 -d)" --dry-run=client -o yaml | kubectl apply -f -\n\`\`\``);
  }
  if (!impl.httpRouteTimeouts) {
    lines.push(`${impl.name} does not honour HTTPRoute timeouts: raise its proxy read and send timeouts to ${plan.timeoutSeconds} s with its own settings, or idle desktop streams are cut.`);
  }
  if (plan.rdp) {
    const experimental = impl.tcpRoute === RouteSupport.EXPERIMENTAL ? ` (${impl.name} serves TCPRoutes only with its experimental channel on)` : '';
    lines.push(`Native RDP goes through the TCPRoute \`${cp.name}-rdp\` on the listener \`${plan.rdp.sectionName}\`${experimental}; clients connect to \`${plan.rdp.hostname ?? door.hostnames[0]}:${plan.rdp.port}\`.`);
  }
  addNotes(scope, { order: NotesOrder.FRONT_DOOR, title: 'Reach Kasm through the Gateway', body: lines.join('\n\n') });
}
