/**
 * The layout's promises: the tiers import downwards only (cli -> charts -> lib -> imports, every import counted, type-only
 * ones and `require` too), lib/ has no cycles, and internals stay out of the public index.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as lib from '../lib';

const LIB = path.join(__dirname, '..', 'lib');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Value imports between lib modules (type-only imports vanish at runtime and cannot form a cycle). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(LIB)) {
    const text = fs.readFileSync(file, 'utf8');
    const deps = [...text.matchAll(/^import (?!type )[^;]*?from '(\.[^']+)';/gms)]
      .map((m) => path.resolve(path.dirname(file), m[1]))
      .map((p) => (fs.existsSync(`${p}.ts`) ? `${p}.ts` : path.join(p, 'index.ts')));
    graph.set(file, deps);
  }
  return graph;
}

test('lib/ has no circular imports', () => {
  const graph = importGraph();
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: string, stack: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      cycles.push([...stack.slice(stack.indexOf(file)), file].map((f) => path.relative(LIB, f)).join(' -> '));
      return;
    }
    state.set(file, 'visiting');
    for (const dep of graph.get(file) ?? []) visit(dep, [...stack, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
});

test('core/ and contract/ sit at the bottom: they import no construct folder', () => {
  const upper = ['control-plane', 'database', 'ingress', 'security', 'doctor', 'gitops', 'cluster'];
  const offending = [...importGraph().entries()]
    .filter(([file]) => /[/\\](core|contract)[/\\]/.test(file))
    .flatMap(([file, deps]) => deps.filter((d) => upper.some((u) => d.includes(`${path.sep}${u}${path.sep}`))).map((d) => `${path.relative(LIB, file)} -> ${path.relative(LIB, d)}`));
  expect(offending).toEqual([]);
});

test('the public index exports constructs and factories, not internal helpers', () => {
  const exported = Object.keys(lib);
  for (const name of ['KasmControlPlane', 'KasmDatabase', 'KasmIngress', 'KasmSecurity', 'ClusterProfile', 'TraefikTimeouts', 'CredentialSource', 'TlsSource', 'NetworkPeer', 'KasmVersion']) {
    expect(exported).toContain(name);
  }
  for (const internal of ['fail', 'show', 'assertDnsLabel', 'renderProxyConfig', 'waitScript', 'hardenedContainer', 'seedScript', 'runDoctor']) {
    expect(exported).not.toContain(internal);
  }
});

const ROOT = path.join(__dirname, '..');
/** Each tier and the tiers it may import from (itself included). */
const TIERS: Readonly<Record<string, readonly string[]>> = {
  imports: ['imports'],
  lib: ['lib', 'imports'],
  charts: ['charts', 'lib', 'imports'],
  cli: ['cli', 'charts', 'lib', 'imports'],
};

/** Every module a file names: `import ... from`, `export ... from`, `import type`, `require(...)` and `import(...)`. */
function specifiers(text: string): string[] {
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\b(?:require|import)\(\s*'([^']+)'\s*\)/g),
  ];
  return found.map((m) => m[1]);
}

const tierOf = (file: string): string | undefined => Object.keys(TIERS).find((t) => file === path.join(ROOT, t) || file.startsWith(path.join(ROOT, t) + path.sep));

test('tiers import downwards only: cli -> charts -> lib -> imports, every kind of import', () => {
  const offending: string[] = [];
  for (const tier of Object.keys(TIERS)) {
    for (const file of tsFiles(path.join(ROOT, tier))) {
      for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = tierOf(path.resolve(path.dirname(file), spec)) ?? 'outside the tiers';
        if (!TIERS[tier].includes(target)) offending.push(`${path.relative(ROOT, file)} -> ${spec} (${target})`);
      }
    }
  }
  expect(offending).toEqual([]);
});

test('the tier check sees type-only imports, re-exports, require and import()', () => {
  const text = "import type { A } from '../charts';\nexport { B } from '../cli/x';\nconst c = require('../charts/y');\ntype D = typeof import('../cli/z');\n";
  expect(specifiers(text).sort()).toEqual(['../charts', '../charts/y', '../cli/x', '../cli/z']);
});
