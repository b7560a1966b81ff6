/**
 * Identity providers Kasm signs users in with (OIDC, SAML, LDAP): the api's outbound flows to each, opened through
 * the typed egress hatch with the provider's address as data, and the NOTES.md section that ties them to the trusted
 * CA bundle. Kasm keeps the connector settings, client secrets and bind passwords in its database (admin UI), so no
 * secret passes through here.
 */
import { ComponentId } from '../contract/types';
import { addNotes, NotesOrder } from '../core/notes';
import { assertArray, assertCidr, assertDnsLabel, assertInteger, assertOneOf, assertPlainObject, assertStringList, assertUnique, fail } from '../core/validation';
import { EgressRule } from './egress';
import { NetworkPeer } from './network-peer';
import { IConstruct } from 'constructs';

/** The protocol a provider speaks; it sets the default ports. */
export enum IdentityProviderKind {
  /** OpenID Connect: discovery, token and userinfo endpoints on HTTPS. */
  OIDC = 'oidc',
  /** SAML 2.0: metadata on HTTPS (the browser carries the assertions). */
  SAML = 'saml',
  /** LDAP over TLS (636), or StartTLS on 389 (set `ports`). */
  LDAP = 'ldap',
}

/** One identity provider the api connects to. */
export interface IdentityProvider {
  /** Short name (a DNS label), shown in the NetworkPolicy and NOTES.md, e.g. 'corp-ldap'. */
  readonly name: string;
  readonly kind: IdentityProviderKind;
  /** The provider's address ranges, e.g. ['10.0.5.10/32']; the cluster's own CIDRs are cut out. */
  readonly cidrs: readonly string[];
  /** Destination ports. @default - [443] for OIDC and SAML, [636] for LDAP */
  readonly ports?: readonly number[];
}

const DEFAULT_PORTS: Record<IdentityProviderKind, readonly number[]> = {
  [IdentityProviderKind.OIDC]: [443],
  [IdentityProviderKind.SAML]: [443],
  [IdentityProviderKind.LDAP]: [636],
};

/** The egress rules for `providers` (api -> each provider), every entry checked. */
export function identityProviderEgress(owner: string, prop: string, providers: readonly IdentityProvider[] | undefined): EgressRule[] {
  if (providers === undefined) return [];
  assertArray(owner, prop, providers);
  providers.forEach((p, i) => {
    const at = `${prop}[${i}]`;
    assertPlainObject(owner, at, p, true);
    assertDnsLabel(owner, `${at}.name`, p.name);
    assertOneOf(owner, `${at}.kind`, p.kind, Object.values(IdentityProviderKind));
    assertStringList(owner, `${at}.cidrs`, p.cidrs, assertCidr);
    if (p.cidrs.length === 0) fail(owner, `${at}.cidrs`, p.cidrs, 'is empty; pass the provider\'s address ranges, e.g. [\'10.0.5.10/32\']');
    if (p.ports !== undefined) {
      assertArray(owner, `${at}.ports`, p.ports);
      if (p.ports.length === 0) fail(owner, `${at}.ports`, p.ports, 'is empty; leave it unset for the protocol\'s default or pass e.g. [636]');
      p.ports.forEach((port, j) => assertInteger(owner, `${at}.ports[${j}]`, port, 1, 65535));
    }
  });
  assertUnique(owner, `${prop}[].name`, providers.map((p) => p.name));
  return providers.map((p) => ({
    from: [ComponentId.API],
    to: NetworkPeer.cidrs(p.cidrs, [], p.name),
    ports: p.ports ?? DEFAULT_PORTS[p.kind],
    purpose: `signs users in with ${p.name} (${p.kind.toUpperCase()})`,
  }));
}

/** The "Single sign-on and LDAP" section of NOTES.md. */
export function addIdentityProviderNotes(scope: IConstruct, providers: readonly IdentityProvider[], trustedCa: string | undefined): void {
  if (providers.length === 0) return;
  addNotes(scope, {
    order: NotesOrder.SINGLE_SIGN_ON,
    title: 'Single sign-on and LDAP',
    body: [
      'The api may reach these identity providers (one egress rule each):',
      providers.map((p) => `- \`${p.name}\` (${p.kind.toUpperCase()}): ${p.cidrs.map((c) => `\`${c}\``).join(', ')} on ${(p.ports ?? DEFAULT_PORTS[p.kind]).join(', ')}`).join('\n'),
      'Configure each connector in the admin UI (Access Management → Authentication). Client secrets and bind passwords '
        + 'stay in Kasm\'s database: they never pass through git or these manifests.',
      trustedCa
        ? `Certificates from private CAs are trusted through ${trustedCa} (api and manager).`
        : 'If a provider\'s certificate comes from a private CA, set `trustedCaBundle`: without it the login fails with HTTP 500.',
    ].join('\n\n'),
  });
}
