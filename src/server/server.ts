/** Starting the dashboard: a per-session token, the Hono app on Node's HTTP server, the URL to open. */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { StablepickError } from '../errors.js';
import { createApp } from './app.js';
import type { CandidateSource } from './source.js';
import { requireWebDir } from './web-dir.js';

export interface ServeOptions {
  source: CandidateSource;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  webDir?: string;
  /** Fixed token (tests); default 32 random bytes, hex. */
  token?: string;
  onInternalError?: (e: unknown) => void;
}

export interface RunningDashboard {
  /** The address to open, with the token. */
  url: string;
  /** The address without the token. */
  origin: string;
  token: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startDashboard(opts: ServeOptions): Promise<RunningDashboard> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(32).toString('hex');
  const webDir = requireWebDir(opts.webDir);
  let port = opts.port ?? 0;
  const allowed = new Set<string>();
  const app = createApp({
    source: opts.source,
    token,
    webDir,
    allowedHost: (h) => allowed.has(h.toLowerCase()),
    ...(opts.onInternalError ? { onInternalError: opts.onInternalError } : {}),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new StablepickError('IO', {
          op: 'listen',
          target: `on ${host}:${port}`,
          why: e.code ?? e.message,
          fix: e.code === 'EADDRINUSE' ? 'give another --port, or --port 0 for a free one' : 'check --host and --port',
        }),
      ),
    );
  });
  port = (server.address() as AddressInfo).port;
  for (const h of [hostForUrl(host), 'localhost', '127.0.0.1', '[::1]']) allowed.add(`${h}:${port}`.toLowerCase());
  const origin = `http://${hostForUrl(host)}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        const s = server as unknown as { closeAllConnections?: () => void; close(cb: () => void): void };
        s.close(() => resolve());
        s.closeAllConnections?.();
      }),
  };
}
