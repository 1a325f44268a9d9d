/**
 * Where the optional LLM stage finds its endpoint: the user's own config file
 * (`$XDG_CONFIG_HOME/stablepick/config.json`, default `~/.config/stablepick/config.json`) and the
 * environment (which wins). Never the repository: a repository's stablepick.config.json cannot point
 * stablepick at a server or hand it a key. No endpoint configured → null, and nothing touches the network.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { env } from '../env.js';
import { StablepickError } from '../errors.js';

/** What the environment says (src/env.ts): the user's config folder and the STABLEPICK_LLM_* overrides. */
export interface LlmEnvironment {
  configDir: string;
  url?: string | undefined;
  models?: string | undefined;
  apiKey?: string | undefined;
  timeout?: string | undefined;
}

function llmEnvironment(): LlmEnvironment {
  return { configDir: env.configDir(), ...env.llm() };
}

export interface LlmConfig {
  /** The OpenAI-compatible API base, e.g. http://127.0.0.1:8000/v1 (chat/completions is appended). */
  baseUrl: string;
  apiKey: string | null;
  /** One or several models; each writes its own paragraphs and casts its own vote. */
  models: string[];
  /** Per request. */
  timeoutMs: number;
  /** Retries after a 429, a 5xx, a timeout or a dropped connection (0 = one attempt). */
  retries: number;
  /** Requests in flight at once. */
  concurrency: number;
  maxTokens: number;
  temperature: number;
  /** Where the settings came from, for messages. */
  source: string;
}

interface FileShape {
  baseUrl?: unknown;
  apiKey?: unknown;
  models?: unknown;
  model?: unknown;
  timeoutSeconds?: unknown;
  retries?: unknown;
  concurrency?: unknown;
  maxTokens?: unknown;
  temperature?: unknown;
}

/** The user's config file (XDG_CONFIG_HOME respected). */
export function userConfigPath(e: LlmEnvironment = llmEnvironment()): string {
  return path.join(e.configDir, 'config.json');
}

function bad(where: string, what: string): StablepickError {
  return new StablepickError('BAD_CONFIG', { where, problem: what, fix: 'see docs/llm.md for the "llm" settings' });
}

function numberIn(where: string, key: string, v: unknown, min: number, max: number, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) throw bad(where, `${key} must be a number from ${min} to ${max}`);
  return n;
}

/** The LLM settings, or null when no endpoint is configured. */
export function loadLlmConfig(e: LlmEnvironment = llmEnvironment()): LlmConfig | null {
  const file = userConfigPath(e);
  let f: FileShape = {};
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw bad(file, `not valid JSON (${(e as Error).message.split('\n')[0]})`);
    }
    const llm = parsed && typeof parsed === 'object' ? (parsed as { llm?: unknown }).llm : undefined;
    if (llm !== undefined) {
      if (!llm || typeof llm !== 'object') throw bad(file, '"llm" must be an object');
      f = llm as FileShape;
    }
  }
  const baseUrl = e.url ?? (typeof f.baseUrl === 'string' ? f.baseUrl : undefined);
  if (!baseUrl) return null;
  const where = e.url ? 'STABLEPICK_LLM_URL' : file;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw bad(where, `baseUrl ${baseUrl} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad(where, `baseUrl ${baseUrl} is not http(s)`);
  const modelList = e.models ? e.models.split(',') : Array.isArray(f.models) ? f.models : typeof f.model === 'string' ? [f.model] : [];
  const models = modelList.map((m) => String(m).trim()).filter(Boolean);
  if (!models.length) throw bad(where, 'an endpoint is set but no model: give "models": ["name"] or STABLEPICK_LLM_MODELS');
  const apiKey = e.apiKey ?? (typeof f.apiKey === 'string' ? f.apiKey : null);
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: apiKey || null,
    models: [...new Set(models)],
    timeoutMs: numberIn(where, 'timeoutSeconds', e.timeout ?? f.timeoutSeconds, 0.1, 3600, 120) * 1000,
    retries: numberIn(where, 'retries', f.retries, 0, 5, 2),
    concurrency: numberIn(where, 'concurrency', f.concurrency, 1, 16, 2),
    maxTokens: numberIn(where, 'maxTokens', f.maxTokens, 64, 32768, 1500),
    temperature: numberIn(where, 'temperature', f.temperature, 0, 2, 0),
    source: where,
  };
}
