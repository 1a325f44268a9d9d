/** Commit ids in rendered text become links to their commit pages. */

const SHA = /\b[0-9a-f]{12,40}\b/g;

/** Wraps commit ids found in text nodes (not inside links or code blocks) in links to #/commit/<sha>. */
export function linkShas(root: HTMLElement, known: (sha: string) => string | null): void {
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (p && !p.closest('a, pre')) nodes.push(n as Text);
  }
  for (const t of nodes) {
    const s = t.data;
    SHA.lastIndex = 0;
    if (!SHA.test(s)) continue;
    SHA.lastIndex = 0;
    const frag = root.ownerDocument.createDocumentFragment();
    let last = 0;
    for (const m of s.matchAll(SHA)) {
      const full = known(m[0]);
      if (!full) continue;
      frag.append(s.slice(last, m.index));
      const a = root.ownerDocument.createElement('a');
      a.href = `#/commit/${full}`;
      a.textContent = m[0];
      frag.append(a);
      last = m.index + m[0].length;
    }
    if (last === 0) continue;
    frag.append(s.slice(last));
    t.replaceWith(frag);
  }
}
