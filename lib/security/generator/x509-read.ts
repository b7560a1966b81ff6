/** Reading existing certificates back: the fields a CA's children need and what tells a leaf from its plan. */
import * as crypto from 'crypto';
import { derChildren, derRead, DerElement, oidContent } from './der';
import { OID } from './oids';

/** What issuing under a CA needs from its certificate (raw DER pieces, copied out of the parsed buffer). */
export interface CertificateInfo {
  readonly subject: Buffer;
  readonly subjectKeyId: Buffer | null;
  readonly spki: Buffer;
  readonly selfIssued: boolean;
}

/** The first certificate of a PEM bundle (a CA Secret may carry its chain). */
export function firstPemCertificate(pem: string): string {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(String(pem));
  if (!match) throw new Error('no PEM certificate found');
  return `${match[0]}\n`;
}

/** The DER of the first certificate in a PEM bundle, parsed (and so checked) by Node. */
export function certificateDer(pem: string): Buffer {
  return new crypto.X509Certificate(firstPemCertificate(pem)).raw;
}

/** The TBSCertificate's fields, with the index shift of an explicit version. */
function tbsFields(certDer: Buffer): { fields: DerElement[]; first: number } {
  const tbs = derChildren(derRead(certDer).content)[0];
  const fields = derChildren(tbs.content);
  return { fields, first: fields[0].tag === 0xa0 ? 1 : 0 };
}

/** The extnValue content (the encoded extension) of the first extension with `oid`, or null. */
function extensionValue(certDer: Buffer, oid: string): Buffer | null {
  const extensions = tbsFields(certDer).fields.find((f) => f.tag === 0xa3);
  if (!extensions) return null;
  const wanted = oidContent(oid);
  for (const ext of derChildren(derRead(extensions.content).content)) {
    const parts = derChildren(ext.content);
    if (parts[0].tag === 0x06 && parts[0].content.equals(wanted)) return parts[parts.length - 1].content;
  }
  return null;
}

/** Issuer name (raw DER), key identifier and self-issued flag of a certificate, for building its children. */
export function inspectCertificate(certDer: Buffer): CertificateInfo {
  const { fields, first } = tbsFields(certDer);
  const issuer = fields[first + 2].raw;
  const subject = fields[first + 4].raw;
  const ski = extensionValue(certDer, OID.subjectKeyIdentifier);
  return {
    subject: Buffer.from(subject),
    subjectKeyId: ski ? Buffer.from(derRead(ski).content) : null,
    spki: Buffer.from(fields[first + 5].raw),
    selfIssued: issuer.equals(subject),
  };
}

/** The dNSName entries of a certificate's subjectAltName, to notice when a leaf no longer matches its plan. */
export function dnsNamesOf(certDer: Buffer): string[] {
  const san = extensionValue(certDer, OID.subjectAltName);
  if (!san) return [];
  return derChildren(derRead(san).content).filter((n) => n.tag === 0x82).map((n) => Buffer.from(n.content).toString('ascii'));
}

/** The permitted dNSName subtrees of a CA's NameConstraints extension, or null when it has none. */
export function permittedDnsOf(certDer: Buffer): string[] | null {
  const nc = extensionValue(certDer, OID.nameConstraints);
  if (!nc) return null;
  const permitted = derChildren(derRead(nc).content).find((p) => p.tag === 0xa0);
  if (!permitted) return [];
  return derChildren(permitted.content).map((subtree) => derChildren(subtree.content)[0])
    .filter((base) => base.tag === 0x82).map((base) => Buffer.from(base.content).toString('ascii').toLowerCase());
}
