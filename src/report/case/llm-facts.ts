/**
 * A written case as the input of the optional LLM stage (src/llm): the facts sent to the models (the case
 * without its citation list) and what their sentences are checked against — every sha, function,
 * path:line, number and branch the case holds, plus the names of the index's branches. The mail's own
 * check for working notes and program values is applied to each sentence too, so a model sentence never
 * stops a mail.
 */
import { addNumbers, type Facts } from '../../llm/ground.js';
import type { LlmInput } from '../../llm/stage.js';
import { checkAnalysisText } from '../mail/check.js';
import type { WrittenCase } from './types.js';

/** Everything the model may cite. */
function caseFacts(c: WrittenCase, branchNames: readonly string[]): Facts {
  const shas = new Set<string>();
  const functions = new Set<string>();
  const pathLines = new Set<string>();
  const paths = new Set<string>();
  const numbers = new Set<string>();
  const json = JSON.stringify(c);
  for (const m of json.matchAll(/\b[0-9a-f]{40}\b|\b[0-9a-f]{64}\b/g)) shas.add(m[0]);
  const at = (path: string, line: number): void => {
    pathLines.add(`${path}:${line}`);
    paths.add(path);
  };
  for (const cit of c.citations) {
    if (cit.kind === 'file-line' || cit.kind === 'function') at(cit.path, cit.line);
    if (cit.kind === 'function') functions.add(cit.name);
  }
  for (const f of c.code.functions) {
    functions.add(f.name);
    at(f.path, f.line);
  }
  for (const k of c.code.callers) {
    functions.add(k.callee);
    if (k.caller) functions.add(k.caller);
    at(k.path, k.line);
  }
  for (const e of c.code.entryPoints) {
    functions.add(e.function);
    at(e.path, e.line);
  }
  for (const l of [...c.bug.removed, ...c.bug.added]) {
    at(l.path, l.line);
    for (const m of l.text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) functions.add(m[1]!);
  }
  for (const f of c.changes.files) paths.add(f.path);
  // Functions the upstream message names.
  for (const m of c.message.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) functions.add(m[1]!);
  addNumbers(numbers, json.replace(/\b[0-9a-f]{40,64}\b/g, ''));
  const branches = new Set<string>([...branchNames, ...c.branches.map((b) => b.branch)]);
  return { shas: [...shas], functions, pathLines, paths, numbers, branches };
}

/** The mail's check of one sentence: why it could not go into a mail, or null. */
function mailable(sentence: string): string | null {
  try {
    checkAnalysisText(sentence);
    return null;
  } catch (e) {
    return (e as Error).message.replace(/ at line \d+/, '');
  }
}

/** The LLM stage's input for a case. */
export function caseLlmInput(c: WrittenCase, branchNames: readonly string[]): LlmInput {
  const { citations: _citations, version: _version, ...facts } = c;
  return { id: c.sha, verdict: c.verdict, facts, grounding: caseFacts(c, branchNames), check: mailable };
}
