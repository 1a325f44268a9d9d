/**
 * The `select` section of stablepick.config.json:
 *   "select": { "optOutPaths": ["doc/**", "*.md"], "lag": "weight" }
 * optOutPaths: globs; a commit whose every file matches one is never proposed (rule 'opt-out').
 * lag: how training treats recent, not-yet-picked commits ('weight', 'drop', 'none').
 */
import { configError, loadConfig, registerConfigSection } from '../conventions/config.js';
import { StablepickError } from '../errors.js';
import type { LagMode } from './model.js';
import { globToRegExp } from './rules.js';

export interface SelectConfig {
  optOutPaths: string[];
  lag: LagMode;
}

const LAGS: readonly LagMode[] = ['weight', 'drop', 'none'];

function validate(value: unknown, where: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw configError(where, '"select" must be an object', 'write "select": { "optOutPaths": ["doc/**"] }');
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.startsWith('//')) continue;
    if (k === 'optOutPaths') {
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.trim() === ''))
        throw configError(where, 'select.optOutPaths must be an array of path globs', 'write e.g. ["doc/**", "*.md"]');
    } else if (k === 'lag') {
      if (!LAGS.includes(v as LagMode)) throw configError(where, `select.lag must be one of ${LAGS.join(', ')}`, 'the default "weight" suits most projects');
    } else throw configError(where, `unknown key select.${JSON.stringify(k)}`, 'known keys: optOutPaths, lag');
  }
}

registerConfigSection('select', validate);

/** The select section of the repository's config (defaults when absent). */
export function selectConfig(repoDir: string, explicit?: string): SelectConfig {
  const { config } = loadConfig(repoDir, explicit);
  const s = (config.select ?? {}) as Partial<SelectConfig>;
  return { optOutPaths: s.optOutPaths ?? [], lag: s.lag ?? 'weight' };
}

export function optOutMatchers(cfg: SelectConfig): RegExp[] {
  return cfg.optOutPaths.map(globToRegExp);
}

/** The lag mode `--lag` names, or the config's when the option is not given; a one-line error otherwise. */
export function lagOption(value: string | undefined, repoDir: string, configFile?: string): LagMode {
  const lag = value ?? selectConfig(repoDir, configFile).lag;
  if (!LAGS.includes(lag as LagMode))
    throw new StablepickError('BAD_OPTION', {
      option: '--lag',
      value: lag,
      why: 'is not weight, drop or none',
      fix: 'the default, weight, suits most projects',
    });
  return lag as LagMode;
}
