/**
 * The optional LLM stage (docs/llm.md): for a written case, each configured model gets the computed
 * facts and writes (a) the narrative of the bug and of the change and (b) its own YES / NO / UNSURE with
 * reasons. Every sentence is grounded against the facts (ground.ts); the votes are shown beside
 * stablepick's verdict, and a disagreement is a NEEDS-REVIEW reason, never an override. Answers are
 * cached in the index by (model, hash of the request). A failure of any kind leaves the deterministic
 * case as it is and adds a one-line note.
 */
import { createHash } from 'node:crypto';
import type { DB } from '../history/db.js';
import type { VerdictKind } from '../select/judge.js';
import { cachedAnswer, rememberAnswer } from './cache.js';
import { chat, chatBody, limiter, LlmFailure, type ChatMessage } from './client.js';
import type { LlmConfig } from './config.js';
import { ground, type Dropped, type Facts, type Grounded, type SentenceCheck } from './ground.js';

/** What the stage needs about one case: its id, stablepick's verdict, the facts sent, and what grounds the answers. */
export interface LlmInput {
  id: string;
  verdict: VerdictKind;
  /** Sent to the models as JSON. */
  facts: unknown;
  grounding: Facts;
  check?: SentenceCheck;
}

export type Vote = 'YES' | 'NO' | 'UNSURE';

export interface ModelUsage {
  promptTokens: number | null;
  completionTokens: number | null;
  ms: number;
  cached: boolean;
}

export interface ModelAnswer {
  model: string;
  /** Null when the model gave no usable answer (see note). */
  bug: Grounded | null;
  change: Grounded | null;
  vote: Vote | null;
  reasons: Grounded | null;
  usage: ModelUsage | null;
  note: string | null;
}

export interface LlmReport {
  sha: string;
  stablepick: VerdictKind;
  answers: ModelAnswer[];
  /** Why the votes call for a person (null when they agree with stablepick's verdict, or none voted). */
  disagreement: string | null;
  /** One line per failure. */
  notes: string[];
  totals: { promptTokens: number; completionTokens: number; ms: number; requests: number; cached: number };
}

const PROMPT_VERSION = 1;

const SYSTEM = [
  'You help a stable-branch maintainer decide whether an upstream commit should be backported.',
  'You are given the facts stablepick computed about the commit, as JSON. Use only these facts.',
  'Never name a commit id, a function, a file:line, a number or a branch that is not in the facts; a sentence that does will be deleted.',
  'Answer with one JSON object and nothing else:',
  '{"bug": "2 to 5 sentences: what the bug is, how it shows, since when", "change": "2 to 5 sentences: what the commit changes and why that fixes it", "vote": "YES" or "NO" or "UNSURE", "reasons": ["1 to 4 short sentences for your vote"]}',
  'The vote is your own judgement whether the commit belongs in the stable branches of the facts (fixes a real bug users can hit, small and contained, no new feature).',
].join('\n');

function messagesFor(input: LlmInput): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Facts:\n${JSON.stringify(input.facts, null, 1)}` },
  ];
}

/** The cache key: the whole request as sent (model, messages, sampling), and the prompt's version. */
function requestHash(cfg: LlmConfig, model: string, messages: readonly ChatMessage[]): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: PROMPT_VERSION, body: chatBody(cfg, model, messages) }))
    .digest('hex');
}

interface Parsed {
  bug: string;
  change: string;
  vote: Vote;
  reasons: string[];
}

/** The model's JSON object, or why it is not one. */
function parseAnswer(text: string): Parsed | string {
  const body = text
    .trim()
    .replace(/^```(?:json)?\s*\n?/i, '')
    .replace(/\n?```\s*$/, '');
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end < start) return 'the answer holds no JSON object';
  let j: unknown;
  try {
    j = JSON.parse(body.slice(start, end + 1));
  } catch {
    return 'the answer is not valid JSON';
  }
  const o = j as Record<string, unknown>;
  if (typeof o.bug !== 'string' || typeof o.change !== 'string') return 'the answer lacks "bug" or "change" text';
  const vote = typeof o.vote === 'string' ? o.vote.trim().toUpperCase() : '';
  if (vote !== 'YES' && vote !== 'NO' && vote !== 'UNSURE') return `the vote is ${JSON.stringify(o.vote ?? null)}, not YES, NO or UNSURE`;
  const reasons = Array.isArray(o.reasons) ? o.reasons.filter((r): r is string => typeof r === 'string') : typeof o.reasons === 'string' ? [o.reasons] : [];
  return { bug: o.bug, change: o.change, vote, reasons };
}

async function askModel(
  cfg: LlmConfig,
  db: DB | null,
  model: string,
  messages: ChatMessage[],
  input: LlmInput,
  run: ReturnType<typeof limiter>,
): Promise<ModelAnswer> {
  const empty: ModelAnswer = { model, bug: null, change: null, vote: null, reasons: null, usage: null, note: null };
  const hash = requestHash(cfg, model, messages);
  const hit = db ? cachedAnswer(db, model, hash) : undefined;
  let text: string;
  let usage: ModelUsage;
  if (hit) {
    text = hit.answer;
    usage = { promptTokens: hit.prompt_tokens, completionTokens: hit.completion_tokens, ms: hit.ms, cached: true };
  } else {
    try {
      const a = await run(() => chat(cfg, model, messages));
      text = a.text;
      usage = { promptTokens: a.promptTokens, completionTokens: a.completionTokens, ms: a.ms, cached: false };
    } catch (e) {
      const why = e instanceof LlmFailure ? e.message : `internal error: ${(e as Error).message.split('\n')[0]}`;
      return { ...empty, note: `model ${model}: ${why}; the case stands without its paragraphs and vote` };
    }
  }
  const p = parseAnswer(text);
  if (typeof p === 'string') return { ...empty, usage, note: `model ${model}: malformed answer (${p}); the case stands without its paragraphs and vote` };
  if (!hit && db) rememberAnswer(db, model, hash, { answer: text, prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, ms: usage.ms });
  const g = (text: string): Grounded => ground(text, input.grounding, input.check);
  return { model, bug: g(p.bug), change: g(p.change), vote: p.vote, reasons: g(p.reasons.join('\n')), usage, note: null };
}

/** Why the votes need a person, or null. */
function disagreement(stablepick: VerdictKind, answers: readonly ModelAnswer[]): string | null {
  const votes = answers.filter((a) => a.vote === 'YES' || a.vote === 'NO');
  if (!votes.length) return null;
  const against = stablepick === 'NEEDS-REVIEW' ? [] : votes.filter((a) => a.vote !== stablepick);
  const split = new Set(votes.map((a) => a.vote)).size > 1;
  if (!against.length && !split) return null;
  const all = [`stablepick ${stablepick}`, ...answers.filter((a) => a.vote).map((a) => `${a.model} ${a.vote}`)].join(', ');
  return against.length ? `the models' votes disagree with stablepick's verdict (${all})` : `the models' votes disagree with each other (${all})`;
}

export interface ReviewOptions {
  /** Share one limit on requests in flight across several cases. */
  run?: ReturnType<typeof limiter>;
}

/** Asks every configured model about the case (cache first). Never throws for a model's failure. */
export async function llmReview(input: LlmInput, db: DB | null, cfg: LlmConfig, opts: ReviewOptions = {}): Promise<LlmReport> {
  const run = opts.run ?? limiter(cfg.concurrency);
  const messages = messagesFor(input);
  const answers = await Promise.all(cfg.models.map((m) => askModel(cfg, db, m, messages, input, run)));
  const totals = { promptTokens: 0, completionTokens: 0, ms: 0, requests: 0, cached: 0 };
  for (const a of answers) {
    if (!a.usage) continue;
    if (a.usage.cached) {
      totals.cached++;
      continue;
    }
    totals.requests++;
    totals.promptTokens += a.usage.promptTokens ?? 0;
    totals.completionTokens += a.usage.completionTokens ?? 0;
    totals.ms = Math.max(totals.ms, a.usage.ms);
  }
  return {
    sha: input.id,
    stablepick: input.verdict,
    answers,
    disagreement: disagreement(input.verdict, answers),
    notes: answers.flatMap((a) => (a.note ? [a.note] : [])),
    totals,
  };
}

function usageLine(a: ModelAnswer): string {
  const u = a.usage;
  if (!u) return `${a.model}: no answer`;
  const tok = `${u.promptTokens ?? '?'} prompt + ${u.completionTokens ?? '?'} completion tokens`;
  return `${a.model}: ${tok}, ${(u.ms / 1000).toFixed(1)} s${u.cached ? ' (from the cache: no request made)' : ''}`;
}

/** The sentences removed from a model's text, one line each: model, part, the sentence, why. */
export function droppedLines(a: ModelAnswer): string[] {
  const parts: [string, Grounded | null][] = [
    ['the bug', a.bug],
    ['the change', a.change],
    ['its reasons', a.reasons],
  ];
  return parts.flatMap(([what, g]) => (g?.dropped ?? []).map((d: Dropped) => `- ${a.model}, ${what}: "${d.sentence}" — ${d.why.join('; ')}`));
}

/**
 * The model paragraphs as text (Markdown that reads as plain text in a mail): each paragraph says which
 * model wrote it; the votes beside stablepick's; the removed sentences; cost; notes.
 */
export function llmMarkdown(r: LlmReport): string {
  const out: string[] = ['## Written by language models (checked against the facts above)', ''];
  for (const a of r.answers) {
    if (a.bug?.kept.length) out.push(`The bug, as written by model ${a.model}:`, '', a.bug.kept.join(' '), '');
    if (a.change?.kept.length) out.push(`The change, as written by model ${a.model}:`, '', a.change.kept.join(' '), '');
  }
  const voted = r.answers.filter((a) => a.vote);
  if (voted.length) {
    out.push("Votes (the models vote independently; stablepick's verdict is not changed by them):", '', `- stablepick: ${r.stablepick} (computed)`);
    for (const a of voted) out.push(`- model ${a.model}: ${a.vote}${a.reasons?.kept.length ? ` — ${a.reasons.kept.join(' ')}` : ''}`);
    out.push('');
    if (r.disagreement) out.push(`NEEDS-REVIEW: ${r.disagreement}.`, '');
  }
  const dropped = r.answers.flatMap(droppedLines);
  if (dropped.length) out.push('Unverified (removed from the model text, with why):', '', ...dropped, '');
  if (r.notes.length) out.push(...r.notes.map((n) => `Note: ${n}.`), '');
  out.push(`LLM cost: ${r.answers.map(usageLine).join('; ')}.`);
  return `${out.join('\n')}\n`;
}

export { limiter };
