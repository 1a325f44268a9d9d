/**
 * Hash routes: #/ overview, #/list[/<branch>]?filters (the matrix; a branch narrows it to that column),
 * #/commit/<sha>?branch=, #/audit/<branch>, #/export/<branch>. A branch name may hold slashes and is
 * written as typed (`#/list/release/2.6`); encoded slashes (`release%2F2.6`) mean the same.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'overview' }
  | { page: 'list'; branch: string | null; params: URLSearchParams }
  | { page: 'commit'; sha: string; branch: string | null; tab: string | null }
  | { page: 'audit'; branch: string | null }
  | { page: 'export'; branch: string | null };

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const qi = h.indexOf('?');
  const pathPart = qi < 0 ? h : h.slice(0, qi);
  const params = new URLSearchParams(qi < 0 ? '' : h.slice(qi + 1));
  const parts = pathPart.split('/').filter(Boolean).map(safeDecode);
  // Everything after the page name is the branch, slashes included.
  const rest = parts.length > 1 ? parts.slice(1).join('/') : null;
  switch (parts[0]) {
    case 'list':
      return { page: 'list', branch: rest, params };
    case 'commit':
      if (parts[1]) return { page: 'commit', sha: parts[1], branch: params.get('branch'), tab: params.get('tab') };
      return { page: 'overview' };
    case 'audit':
      return { page: 'audit', branch: rest };
    case 'export':
      return { page: 'export', branch: rest };
    default:
      return { page: 'overview' };
  }
}

/** A branch in a path: each component encoded, the slashes kept (what a person would type). */
export function branchPath(branch: string): string {
  return branch.split('/').map(encodeURIComponent).join('/');
}

export function listHref(branch: string | null, params?: URLSearchParams | Record<string, string>): string {
  const p = params instanceof URLSearchParams ? params : new URLSearchParams(params ?? {});
  const qs = p.toString();
  return `#/list${branch ? `/${branchPath(branch)}` : ''}${qs ? `?${qs}` : ''}`;
}

export function commitHref(sha: string, branch?: string | null, tab?: string): string {
  const p = new URLSearchParams();
  if (branch) p.set('branch', branch);
  if (tab) p.set('tab', tab);
  const qs = p.toString();
  return `#/commit/${sha}${qs ? `?${qs}` : ''}`;
}

export const auditHref = (branch: string): string => `#/audit/${branchPath(branch)}`;
export const exportHref = (branch: string): string => `#/export/${branchPath(branch)}`;

export function go(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else location.hash = href.slice(1);
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
