/**
 * Every section of stablepick.config.json, known before any command runs. Each stage owns the schema of
 * its section and registers it when its module loads; the CLI loads only the module of the command that
 * runs, so without this a documented section of another stage (`mail` for `index`, `select` for `deps`)
 * would be an "unknown key". A new section is added here and to docs/config.md.
 */
const CONFIG_SECTION_MODULES: readonly (() => Promise<unknown>)[] = [
  () => import('../select/config.js'), // "select"
  () => import('../report/series/config.js'), // "mail"
  () => import('../review/policy.js'), // "review"
];

export async function registerConfigSections(): Promise<void> {
  await Promise.all(CONFIG_SECTION_MODULES.map((load) => load()));
}
