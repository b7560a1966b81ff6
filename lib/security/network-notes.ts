/** The NOTES.md section on what the NetworkPolicies admit from outside the namespace (written by KasmSecurity). */
import { addNotes, NotesOrder } from '../core/notes';
import type { KasmSecurity } from './kasm-security';

/** What the section is derived from besides the security construct itself. */
export interface NetworkNotesInput {
  readonly agentCidrs: readonly string[];
  readonly serverCidrs: readonly string[];
  readonly enabled: boolean;
}

/** Add the "Network access" section: agents, servers, entrances and extra egress, as the policies admit them. */
export function addNetworkNotes(security: KasmSecurity, input: NetworkNotesInput): void {
  addNotes(security, {
    order: NotesOrder.NETWORK,
    title: 'Network access',
    body: () => {
      if (!input.enabled) return 'NetworkPolicies are off (`networkPolicies: false`): nothing below is enforced.';
      const list = (items: readonly string[], none: string) => (items.length > 0 ? items.map((i) => `\`${i}\``).join(', ') : none);
      const lines = [
        `Default deny, then exactly the edges of Kasm's dependency graph. From outside the namespace:`,
        '',
        `- Agents (check in on the proxy's 8443, receive sessions on 443): ${list(input.agentCidrs, 'none (agent traffic stays closed; set agentCidrs)')}.`,
        `- RDP, VNC and SSH servers users connect to: ${list(input.serverCidrs, 'none (set serverCidrs)')}.`,
      ];
      const wide = wideRanges(input.agentCidrs);
      if (wide.length > 0) {
        lines.push('', `**Warning:** the agent ranges include ${list(wide, '')}: any address on the Internet may check in on the proxy's 8443 as an agent `
          + '(only the manager token stands in the way). Narrow agentCidrs to the agents\' addresses unless that is intended.', '');
      }
      if (security.frontDoor) lines.push(`- Browsers, through the front door: ${security.frontDoor.hostnames.map((h) => `\`${h}\``).join(', ')}.`);
      for (const f of security.exposures.flatMap((e) => e.inbound)) {
        const from = f.from.end.kind === 'cidrs' ? f.from.end.blocks.map((b) => `\`${b.cidr}\``).join(', ') : `the pods \`${f.from.end.name}\``;
        lines.push(`- ${f.purpose}: from ${from} to ${f.component}:${f.port}.`);
      }
      const egress = security.flows.filter((f) => f.purpose !== 'resolves Service and agent names' && f.to.kind === 'cidrs' && f.to.name !== 'agents' && f.to.name !== 'servers');
      for (const f of egress) lines.push(`- Outbound: ${f.from.name} -> ${f.to.name}:${f.port}/${f.protocol} (${f.purpose}).`);
      lines.push('', 'The policies name each flow in their `kasm.cdk8s.io/flows` annotation; `cdk8s-kasm diagnose` explains a blocked connection.');
      return lines.join('\n');
    },
  });
}

/** Ranges of `cidrs` that span a large part of the Internet (prefix /0 to /7), which an agent range rarely should. */
export function wideRanges(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => Number(c.split('/')[1]) < 8);
}
