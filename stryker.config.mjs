/**
 * Stryker for `npm run mutate` (scripts/mutate.js): mutation testing of the security core; docs/development.md says
 * how to run it and what the scores mean.
 *
 * The generator's certificate, plan and name modules are in (TypeScript since issue #19); its bundle is generated and
 * left out, as are its Kubernetes client and reconcile loop (run against the API stand-in in test/programs, in a child
 * process, so Stryker sees no coverage there).
 *
 * Per-file runs (`npm run mutate -- --mutate <file>`) load only that file's own tests (TESTS_OF in
 * jest.stryker.config.js); a score measured with fewer tests is a lower bound of the score with all of them.
 *
 * Equivalent mutants: no test can tell them from the original. Where a line holds nothing else they are disabled in
 * place (`// Stryker disable next-line <mutator>: <reason>`); the others are left to count as survivors, because a
 * disable comment would also hide killable mutants on the same line, or would ship in the generator's bundle
 * (lib/security/generator/*.ts is bundled into the Job's script, and the bundle into the variant snapshots):
 * - network-policies.ts `case 'anywhere'` (disabled in place): without the case the switch falls out to undefined too.
 * - network-policies.ts `end.kind === 'pods' &&` -> true: only pod ends carry a namespace, which is compared next.
 * - network-policy-parse.ts matchesSelector `expr.values ?? []` -> ['Stryker was here']: only a label whose value is
 *   that very text tells them apart (In/NotIn without values are refused by parsePolicy before they are evaluated).
 * - network-policy-parse.ts matchesSelector NotIn: dropping `has &&` (an absent key reads undefined, which no values
 *   list holds).
 * - network-policy-model.ts `?? []` -> ['Stryker was here'] where a list is only searched or filtered by a field (the
 *   policies of a namespace, twice; the containers of a pod spec; a pod's ports; the default extraNamespaces): a string
 *   element has none of those fields, so it is never selected.
 * - network-policy-model.ts `to.kind === 'pod' ?` -> true and portMatches' `destination.kind !== 'pod'` -> false: an
 *   external endpoint has no ports, so looking a named port up on it finds nothing either way.
 * - network-policy-model.ts portText's `typeof port === 'string' &&` -> true: a number's text is all digits anyway.
 * - pod-security.ts `capabilities?.drop ?? []` -> ['Stryker was here']: that list lacks ALL too, the same violation;
 *   podSpecsOf's `typeof m !== 'object'` -> false: a number or a text has no kind, so the switch skips it anyway.
 * - security-flows.ts, the database's own flows: `f.to.kind === 'anywhere'` -> false, or 'anywhere' -> '' (the next line
 *   leaves such an end out too) and `f.to.kind === 'pods' ?` -> true (pods() returns nothing for other ends); zoneEnd's
 *   `typeof selector === 'string' ||` -> false: an external end's selector is its name, and indexing a name by a label
 *   key finds nothing, as the control plane's selector of that end does, so it is never the zone's own.
 * - sources.ts `sealed?.scope` -> `sealed.scope`: unreachable without options, refused for lacking every key first;
 *   `renew > 0 &&` -> true, `>=`: a renewBefore under 5 minutes, zero and below included, is refused on the line before.
 * - der.ts unsignedIntegerBytes `start < bytes.length - 1` -> true, `<=`, `+ 1`: the next line puts back the single
 *   zero octet that stripping one zero too many removes.
 * - der.ts `'ascii'` -> '' in the two time encoders, `'utf8'` -> '' in utf8String: digits and 'Z' are the same octets
 *   in ASCII and UTF-8, and UTF-8 is Node's default.
 * - names.ts `if (tail.length !== 4)` -> false and its message: unreachable, a piece without ':' is an IPv4 address
 *   (4 octets) or parseIpAddress throws.
 * - names.ts `halves.length === 2 ? missing : 0` -> missing: without '::' missing is 0 (checked just before).
 * - names.ts permittedSubtrees' tie-break `(a < b ? -1 : 1)` (5 mutants): names with as many labels never contain
 *   one another, and the result is sorted at the end; `name === k ||` -> false: the names are distinct (a Set).
 * - plan.ts checkMirrors `credentialKeys ?? []` -> ['Stryker was here']: unreachable, mirrors without credentials are
 *   refused on the line before.
 * - x509.ts `Buffer.from(n, 'ascii')` -> '' for dNSNames (twice): the names are checked to be ASCII, the same octets in
 *   UTF-8; `requestedNotAfter > caNotAfter` -> `>=`: when they are equal either one is the same date; toPem's
 *   `?? []` -> ['Stryker was here']: a certificate's DER is never empty, so the base64 always has lines.
 * - x509-read.ts extensionValue `parts[0].tag === 0x06` -> true: an extension starts with its OID; another element
 *   with the same content octets as the OID wanted would be needed.
 */
/** Where the reports go: `reports/mutation` unless MUTATE_REPORTS names another folder (two runs at once). */
const REPORTS = process.env.MUTATE_REPORTS ?? 'reports/mutation';

export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.stryker.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: [
    'lib/security/network-peer.ts',
    'lib/security/egress.ts',
    'lib/security/network-policies.ts',
    'lib/security/security-flows.ts',
    'lib/security/sources.ts',
    'lib/doctor/network-policy-*.ts',
    'lib/doctor/pod-security.ts',
    'lib/security/generator/{der,x509,x509-read,names,plan}.ts',
  ],
  concurrency: 2,
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${REPORTS}/mutation.html` },
  jsonReporter: { fileName: `${REPORTS}/mutation.json` },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: false },
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'docs', 'examples', 'build', 'reports', 'coverage'],
  thresholds: { high: 90, low: 85, break: null },
};
