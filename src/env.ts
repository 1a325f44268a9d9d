/**
 * Every environment variable stablepick reads, in one place, each with what it means. Nothing else in
 * src/ reads `process.env` (lint enforces it): a setting that changes behaviour is visible here.
 *
 * | variable | meaning |
 * | --- | --- |
 * | `STABLEPICK_CACHE_DIR` | where indexes live when `--db` is not given (default `$XDG_CACHE_HOME/stablepick`) |
 * | `XDG_CACHE_HOME` | the user's cache directory (default `~/.cache`) |
 * | `XDG_CONFIG_HOME` | the user's config directory (default `~/.config`); stablepick reads `stablepick/config.json` there |
 * | `STABLEPICK_SMTP_HOST`, `STABLEPICK_SMTP_PORT`, `STABLEPICK_SMTP_USER` | the SMTP server for `mail --send` when the command line names none (src/report/mail/smtp-config.ts reads them through `processEnvironment()`) |
 * | `STABLEPICK_LLM_URL` | the OpenAI-compatible endpoint of the optional LLM stage (overrides `llm.baseUrl` of the user's config.json; docs/llm.md) |
 * | `STABLEPICK_LLM_MODELS` | its models, comma-separated (overrides `llm.models`) |
 * | `STABLEPICK_LLM_API_KEY` | its API key (overrides `llm.apiKey`) |
 * | `STABLEPICK_LLM_TIMEOUT` | seconds per request (overrides `llm.timeoutSeconds`) |
 * | `STABLEPICK_SMTP_PASS` | the SMTP password for `mail --send` (never read from a file in the repository) |
 * | `STABLEPICK_DEBUG` | `1`: print the stack of an internal error |
 * | `STABLEPICK_TIMING` | `1`: print the time of each indexing phase on stderr |
 * | `STABLEPICK_INDEX_BATCH` | commits per write batch while indexing (default 2000) |
 * | `STABLEPICK_INDEX_THROTTLE_MS` | a pause between batches, for tests of interrupted indexing (default 0) |
 * | `STABLEPICK_INDEX_WORKER` | `0`: parse commits in the main thread instead of a worker |
 * | `STABLEPICK_PAGE_SIZE` | SQLite page size of a new index (default 16384) |
 *
 * git's own environment is passed to git as it is, less the variables src/git/run.ts removes.
 */
import os from 'node:os';
import path from 'node:path';

/** The whole process environment: for src/git/run.ts, which hands it on to git, and the SMTP settings above. */
export function processEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

function get(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

function positiveInt(name: string): number | undefined {
  const n = Number(get(name));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export const env = {
  cacheDir: (): string => get('STABLEPICK_CACHE_DIR') ?? path.join(get('XDG_CACHE_HOME') ?? path.join(os.homedir(), '.cache'), 'stablepick'),
  configDir: (): string => path.join(get('XDG_CONFIG_HOME') ?? path.join(os.homedir(), '.config'), 'stablepick'),
  smtpPassword: (): string | undefined => get('STABLEPICK_SMTP_PASS'),
  llm: (): { url?: string; models?: string; apiKey?: string; timeout?: string } => ({
    url: get('STABLEPICK_LLM_URL'),
    models: get('STABLEPICK_LLM_MODELS'),
    apiKey: get('STABLEPICK_LLM_API_KEY'),
    timeout: get('STABLEPICK_LLM_TIMEOUT'),
  }),
  debug: (): boolean => get('STABLEPICK_DEBUG') === '1',
  timing: (): boolean => get('STABLEPICK_TIMING') === '1',
  indexBatch: (): number | undefined => positiveInt('STABLEPICK_INDEX_BATCH'),
  indexThrottleMs: (): number => positiveInt('STABLEPICK_INDEX_THROTTLE_MS') ?? 0,
  indexWorker: (): boolean => get('STABLEPICK_INDEX_WORKER') !== '0',
  pageSize: (): number | undefined => positiveInt('STABLEPICK_PAGE_SIZE'),
};
