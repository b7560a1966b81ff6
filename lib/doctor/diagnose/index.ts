/**
 * `diagnose`: from a stuck pod to its root cause, for the CLI and for library users who hold a dump.
 */
export { diagnose } from './diagnose';
export { DumpError, dumpItems } from './dump';
export { dumpCommand } from './dump-command';
export { renderJson } from './render-json';
export { renderText } from './render-text';
export type { RenderTextOptions } from './render-text';
export * from './types';
