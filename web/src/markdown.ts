/**
 * The written case from Markdown to HTML, safely: the case quotes commit messages written by anyone, so
 * raw HTML in it is shown as text, links go only to http(s), mailto or the page's own #/ routes, and
 * images become links. No DOM here (tested in Node); link-shas.ts works on the rendered page.
 */
import { Marked, type Tokens } from 'marked';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^#\//.test(h)) return h;
  try {
    const u = new URL(h);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : null;
  } catch {
    return null;
  }
}

const md = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    link({ href, title, tokens }: Tokens.Link): string {
      const inner = this.parser.parseInline(tokens);
      const h = safeHref(href);
      if (!h) return inner;
      const ext = !h.startsWith('#');
      return `<a href="${escapeHtml(h)}"${title ? ` title="${escapeHtml(title)}"` : ''}${ext ? ' rel="noopener noreferrer nofollow" target="_blank"' : ''}>${inner}</a>`;
    },
    image({ href, text }: Tokens.Image): string {
      const h = safeHref(href);
      return h ? `<a href="${escapeHtml(h)}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(text || h)}</a>` : escapeHtml(text);
    },
  },
});

/** Markdown → HTML with raw HTML escaped and links restricted. */
export function renderMarkdown(text: string): string {
  return md.parse(text) as string;
}
