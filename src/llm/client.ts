/**
 * One OpenAI-compatible `POST {baseUrl}/chat/completions` (vLLM, Ollama, llama.cpp server, hosted APIs),
 * with a timeout per attempt, bounded retries (429, 5xx, timeouts, dropped connections; Retry-After
 * honoured up to a bound) and a limit on requests in flight. Failures are LlmFailure with one line.
 */
import type { LlmConfig } from './config.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatAnswer {
  text: string;
  promptTokens: number | null;
  completionTokens: number | null;
  ms: number;
  attempts: number;
}

export class LlmFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmFailure';
  }
}

/** At most `n` tasks at once. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The request body every call sends: fixed so that the cache key can be computed from it. */
export function chatBody(cfg: LlmConfig, model: string, messages: readonly ChatMessage[]): Record<string, unknown> {
  return { model, messages, temperature: cfg.temperature, max_tokens: cfg.maxTokens, stream: false };
}

export async function chat(cfg: LlmConfig, model: string, messages: readonly ChatMessage[]): Promise<ChatAnswer> {
  const url = `${cfg.baseUrl}/chat/completions`;
  const body = JSON.stringify(chatBody(cfg, model, messages));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
  const t0 = performance.now();
  let last = '';
  for (let attempt = 1; attempt <= cfg.retries + 1; attempt++) {
    let wait = 250 * 2 ** (attempt - 1);
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(cfg.timeoutMs) });
      const text = await res.text();
      if (res.status === 429 || res.status >= 500) {
        last = `HTTP ${res.status}${res.status === 429 ? ' (rate limited)' : ''}`;
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra > 0) wait = Math.min(ra * 1000, 5000);
      } else if (!res.ok) {
        throw new LlmFailure(`HTTP ${res.status} from ${url}: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
      } else {
        let j: { choices?: { message?: { content?: unknown } }[]; usage?: { prompt_tokens?: number; completion_tokens?: number } };
        try {
          j = JSON.parse(text) as typeof j;
        } catch {
          throw new LlmFailure(`the answer of ${url} is not JSON`);
        }
        const content = j.choices?.[0]?.message?.content;
        if (typeof content !== 'string') throw new LlmFailure('the answer has no choices[0].message.content');
        return {
          text: content,
          promptTokens: j.usage?.prompt_tokens ?? null,
          completionTokens: j.usage?.completion_tokens ?? null,
          ms: Math.round(performance.now() - t0),
          attempts: attempt,
        };
      }
    } catch (e) {
      if (e instanceof LlmFailure) throw e;
      const err = e as Error & { cause?: { code?: string } };
      last =
        err.name === 'TimeoutError' || err.name === 'AbortError'
          ? `no answer within ${cfg.timeoutMs / 1000} s`
          : `connection failed (${err.cause?.code ?? err.message.split('\n')[0]})`;
    }
    if (attempt <= cfg.retries) await sleep(wait);
  }
  throw new LlmFailure(`${last} after ${cfg.retries + 1} attempt(s)`);
}
