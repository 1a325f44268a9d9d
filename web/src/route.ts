/** Hash routes: #/ overview, #/list/<branch>?filters, #/commit/<sha>?branch=, #/audit/<branch>. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'overview' }
  | { page: 'list'; branch: string | null; params: URLSearchParams }
  | { page: 'commit'; sha: string; branch: string | null }
  | { page: 'audit'; branch: string | null };

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const qi = h.indexOf('?');
  const pathPart = qi < 0 ? h : h.slice(0, qi);
  const params = new URLSearchParams(qi < 0 ? '' : h.slice(qi + 1));
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'list':
      return { page: 'list', branch: parts[1] ?? null, params };
    case 'commit':
      if (parts[1]) return { page: 'commit', sha: parts[1], branch: params.get('branch') };
      return { page: 'overview' };
    case 'audit':
      return { page: 'audit', branch: parts[1] ?? null };
    default:
      return { page: 'overview' };
  }
}

export function listHref(branch: string, params?: URLSearchParams | Record<string, string>): string {
  const p = params instanceof URLSearchParams ? params : new URLSearchParams(params ?? {});
  const qs = p.toString();
  return `#/list/${encodeURIComponent(branch)}${qs ? `?${qs}` : ''}`;
}

export function commitHref(sha: string, branch?: string | null): string {
  return `#/commit/${sha}${branch ? `?branch=${encodeURIComponent(branch)}` : ''}`;
}

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
