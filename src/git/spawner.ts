/**
 * A small long-lived process that starts git commands for us. Starting a process from a large Node heap
 * is slow: the fork copies the heap's page tables (about 10–20 ms a process from the MCP server's heap,
 * on the main thread). The spawner is a Node process with almost nothing in it; it starts each git
 * command and streams its output back over one pipe, so the large process only writes a request.
 *
 * Off unless started (`startSpawner`, the MCP server does). The arguments, environment and working
 * folder of each command are computed by run.ts exactly as for a direct start (pinned configuration,
 * cleaned environment); a start failure comes back with its errno code, so the errors are the same.
 * If the spawner dies, later commands start directly again.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { processEnvironment } from '../env.js';

/** A started command: output in chunks, then its end. */
export interface SpawnHandlers {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** The process could not start (errno code such as ENOENT) or the spawner died. */
  error(err: NodeJS.ErrnoException): void;
  /** Exit status, after all of its output. */
  close(code: number | null, signal: string | null): void;
}

export interface SpawnedCommand {
  kill(signal?: NodeJS.Signals): void;
  pause(): void;
  resume(): void;
}

export interface SpawnRequest {
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  input?: string | Buffer | undefined;
}

/**
 * The spawner's program (plain JavaScript for `node -e`, so it runs from the sources and from dist/ alike).
 * Requests: one JSON object a line on its standard input. Answers on its standard output, framed:
 * u32 payload length, u8 kind (1 stdout, 2 stderr, 3 close {code, signal}, 4 error {code, message}),
 * u32 request id, payload.
 */
const PROGRAM = `
const { spawn } = require('node:child_process');
const procs = new Map();
const out = process.stdout;
function frame(kind, id, payload) {
  const h = Buffer.alloc(9);
  h.writeUInt32LE(payload.length, 0); h[4] = kind; h.writeUInt32LE(id, 5);
  out.write(payload.length ? Buffer.concat([h, payload]) : h);
}
function fail(id, e) { frame(4, id, Buffer.from(JSON.stringify({ code: e.code, message: e.message }))); }
function start(m) {
  let c;
  try { c = spawn(m.file, m.args, { env: m.env, cwd: m.cwd, stdio: ['pipe', 'pipe', 'pipe'] }); } catch (e) { fail(m.id, e); frame(3, m.id, Buffer.from('{"code":null,"signal":null}')); return; }
  procs.set(m.id, c);
  c.on('error', (e) => fail(m.id, e));
  c.stdout.on('data', (b) => frame(1, m.id, b));
  c.stderr.on('data', (b) => frame(2, m.id, b));
  c.stdin.on('error', () => {});
  if (m.input != null) c.stdin.end(Buffer.from(m.input, 'base64')); else c.stdin.end();
  c.on('close', (code, signal) => { procs.delete(m.id); frame(3, m.id, Buffer.from(JSON.stringify({ code, signal }))); });
}
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  pending += d;
  for (let i; (i = pending.indexOf('\\n')) >= 0; ) {
    const m = JSON.parse(pending.slice(0, i));
    pending = pending.slice(i + 1);
    const c = procs.get(m.id);
    if (m.op === 'start') start(m);
    else if (!c) continue;
    else if (m.op === 'kill') c.kill(m.signal);
    else if (m.op === 'pause') c.stdout.pause();
    else if (m.op === 'resume') c.stdout.resume();
  }
});
process.stdin.on('end', () => { for (const c of procs.values()) c.kill('SIGTERM'); process.exit(0); });
`;

const HEADER = 9;

class Spawner {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly running = new Map<number, SpawnHandlers>();
  private nextId = 1;
  private buf: Buffer = Buffer.alloc(0);
  dead = false;

  constructor() {
    // Its own environment without NODE_OPTIONS (a loader or a heap size meant for us); git's environment
    // comes with each request.
    const env = { ...processEnvironment() };
    delete env.NODE_OPTIONS;
    this.child = spawn(process.execPath, ['-e', PROGRAM], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (b: Buffer) => this.read(b));
    this.child.stderr.on('data', () => undefined);
    this.child.stdin.on('error', () => this.die('the spawner stopped reading'));
    this.child.on('error', (e) => this.die(e.message));
    this.child.on('close', () => this.die('the spawner exited'));
    this.idle();
  }

  start(req: SpawnRequest, h: SpawnHandlers): SpawnedCommand {
    const id = this.nextId++;
    this.running.set(id, h);
    if (this.running.size === 1) this.busy();
    const input = req.input === undefined ? undefined : Buffer.from(req.input).toString('base64');
    this.send({ op: 'start', id, file: req.file, args: req.args, env: req.env, cwd: req.cwd, input });
    return {
      kill: (signal = 'SIGTERM') => this.send({ op: 'kill', id, signal }),
      pause: () => this.send({ op: 'pause', id }),
      resume: () => this.send({ op: 'resume', id }),
    };
  }

  stop(): void {
    this.dead = true;
    this.child.stdin.end();
  }

  private send(m: object): void {
    if (!this.dead) this.child.stdin.write(`${JSON.stringify(m)}\n`);
  }

  private read(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let at = 0;
    while (this.buf.length - at >= HEADER) {
      const len = this.buf.readUInt32LE(at);
      if (this.buf.length - at < HEADER + len) break;
      const kind = this.buf[at + 4];
      const id = this.buf.readUInt32LE(at + 5);
      const payload = this.buf.subarray(at + HEADER, at + HEADER + len);
      at += HEADER + len;
      const h = this.running.get(id);
      if (!h) continue;
      if (kind === 1) h.stdout(Buffer.from(payload));
      else if (kind === 2) h.stderr(Buffer.from(payload));
      else if (kind === 4) {
        const e = JSON.parse(payload.toString('utf8')) as { code?: string; message?: string };
        h.error(Object.assign(new Error(e.message ?? 'spawn failed'), { code: e.code }));
      } else if (kind === 3) {
        const e = JSON.parse(payload.toString('utf8')) as { code: number | null; signal: string | null };
        this.running.delete(id);
        if (!this.running.size) this.idle();
        h.close(e.code, e.signal);
      }
    }
    this.buf = at >= this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(at));
  }

  /** No command running: the spawner must not keep the program alive. */
  private idle(): void {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as Socket).unref();
  }

  private busy(): void {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as Socket).ref();
  }

  private die(why: string): void {
    if (this.dead && !this.running.size) return;
    this.dead = true;
    if (current === this) current = null;
    const left = [...this.running.values()];
    this.running.clear();
    for (const h of left) h.error(Object.assign(new Error(why), { code: 'ESPAWNER' }));
  }
}

let current: Spawner | null = null;

/** Starts the spawner (once); from now on git commands are started through it. */
export function startSpawner(): void {
  if (!current || current.dead) current = new Spawner();
}

/** Stops it; later commands start directly. */
export function stopSpawner(): void {
  current?.stop();
  current = null;
}

/** Starts `req` through the spawner, or returns null when it is not running. */
export function spawnThroughSpawner(req: SpawnRequest, h: SpawnHandlers): SpawnedCommand | null {
  if (!current || current.dead) return null;
  return current.start(req, h);
}
