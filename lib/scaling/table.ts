/** The scaling table of docs/variants.md, rendered from a release's contract so the documentation cannot drift from it. */
import { SizePreset } from '../contract/types';
import { KasmVersion } from '../contract/version';

/** Markdown table of replicas and requests (limits) per component and preset. */
export function scalingTable(version: KasmVersion): string {
  const c = version.contract;
  const presets = [SizePreset.DEV, SizePreset.SMALL, SizePreset.MEDIUM, SizePreset.LARGE];
  const lines = [`| Component | scaling | ${presets.join(' | ')} |`, `|---|---|${presets.map(() => '---').join('|')}|`];
  for (const [id, component] of Object.entries(c.components)) {
    const cells = presets.map((p) => {
      const s = c.sizing[p][component!.id];
      return s ? `${s.replicas} × ${s.resources.cpuRequest}/${s.resources.memoryRequest} (${s.resources.cpuLimit}/${s.resources.memoryLimit})` : '-';
    });
    lines.push(`| ${id} | ${component!.scaling} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
