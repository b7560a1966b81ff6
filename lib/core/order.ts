/**
 * String order by UTF-16 code units, the same on every machine. Why not `localeCompare`: its order follows the
 * process's locale (ICU collation skips hyphens at first, and some languages tailor letters), so sorted output could
 * differ between a laptop and CI; it also loads ICU's collator on its first call, a visible share of a short synth.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
