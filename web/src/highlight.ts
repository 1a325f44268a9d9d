/** highlight.js with only the languages the dashboard needs (C, diffs, plain text): a small bundle. */
import hljs from 'highlight.js/lib/core';
import c from 'highlight.js/lib/languages/c';
import diff from 'highlight.js/lib/languages/diff';
import plaintext from 'highlight.js/lib/languages/plaintext';
import { escapeHtml } from './markdown.js';

hljs.registerLanguage('c', c);
hljs.registerLanguage('diff', diff);
hljs.registerLanguage('plaintext', plaintext);

/** One line of code as highlighted HTML (escaped). */
export function highlightLine(text: string, language: string): string {
  if (language === 'plaintext' || !text.trim()) return escapeHtml(text);
  return hljs.highlight(text, { language, ignoreIllegals: true }).value;
}
