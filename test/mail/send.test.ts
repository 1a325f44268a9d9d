/**
 * Sending through a real SMTP server (smtp-server on 127.0.0.1, a port the OS picks): every mail
 * arrives byte for byte as built, with the envelope From → To + Cc; a closed port and a refused login
 * are one-line errors; a host other than the allowed one is refused before any connection.
 */
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StablepickError } from '../../src/errors.js';
import { formatAutoselMail, makeMessageId, type AutoselMail } from '../../src/report/mail/autosel-mail.js';
import { mboxEntryToMessage } from '../../src/report/mail/mbox.js';
import { sendMbox } from '../../src/report/mail/send.js';
import { buildWorld, SENDER, type World } from './world.js';

interface Received {
  from: string;
  to: string[];
  data: string;
  user: string | null;
}

interface Server {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

async function startServer(opts: Partial<SMTPServerOptions> = {}): Promise<Server> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : null,
        });
        callback();
      });
    },
    ...opts,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

let w: World;
let mails: AutoselMail[];

beforeAll(async () => {
  w = await buildWorld();
  const shas = [w.fix, w.followUp, w.other];
  const first = makeMessageId({ sha: w.fix, n: 1, time: 1762192935, host: 'kernel.example.org' });
  mails = shas.map((sha, i) => {
    const r = w.patches.get(sha);
    const msg = w.repo.git(['log', '-1', '--format=%B', sha]);
    const [an, ae, at] = w.repo.git(['log', '-1', '--format=%an%x00%ae%x00%at', sha]).trim().split('\0');
    return formatAutoselMail({
      sha,
      author: { name: an ?? '', email: ae ?? '' },
      authorTime: Number(at),
      subject: msg.split('\n')[0] ?? '',
      message: msg,
      trees: ['6.12'],
      stableBase: 'Linux 6.12.7',
      from: SENDER,
      to: ['stable@vger.kernel.org'],
      cc: i === 2 ? ['Jörg Müller <joerg@example.org>'] : ['Tejun Heo <tj@kernel.example.org>', 'sched-ext@lists.example.dev', 'STABLE@vger.kernel.org'],
      analysis: `Mail ${i + 1}: computed case.\nFrom here on, a line that mbox readers would quote.\n.\n..leading dots survive SMTP dot-stuffing`,
      patch: r?.patch ?? '',
      messageId: makeMessageId({ sha, n: i + 1, time: 1762192935, host: 'kernel.example.org' }),
      ...(i > 0 ? { inReplyTo: first, references: [first] } : {}),
      date: new Date(Date.UTC(2025, 10, 3, 18, 2, 15 + i)),
    });
  });
});

afterAll(() => w?.cleanup());

describe('sendMbox', () => {
  it('delivers every mail byte-identical, with the envelope From -> To + Cc', async () => {
    const server = await startServer();
    try {
      const results = await sendMbox(mails, { host: '127.0.0.1', port: server.port }, { clientName: 'stablepick.test' });
      expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
      expect(server.received).toHaveLength(3);
      for (const [i, m] of mails.entries()) {
        const got = server.received[i] as Received;
        // SMTP carries lines as CRLF; the message is otherwise exactly what was built.
        expect(got.data.replace(/\r\n/g, '\n')).toBe(mboxEntryToMessage(m.text));
        expect(got.from).toBe(SENDER.email);
        expect(results[i]?.messageId).toBe(m.messageId);
      }
      expect(server.received[0]?.to).toEqual(['stable@vger.kernel.org', 'tj@kernel.example.org', 'sched-ext@lists.example.dev']);
      expect(server.received[2]?.to).toEqual(['stable@vger.kernel.org', 'joerg@example.org']);
      expect(results[0]?.accepted).toEqual(['stable@vger.kernel.org', 'tj@kernel.example.org', 'sched-ext@lists.example.dev']);
      // The mbox separator line is not sent, the mboxrd quoting is undone.
      expect(server.received[0]?.data.startsWith('From: ')).toBe(true);
      expect(server.received[0]?.data).toContain('\r\nFrom here on, a line');
      expect(server.received[0]?.data).toContain('\r\n.\r\n..leading dots');
    } finally {
      await server.close();
    }
  });

  it('logs in when given a user, and turns a refused login into one line', async () => {
    const server = await startServer({
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'sender' && auth.password === 'right') callback(null, { user: 'sender' });
        else callback(new Error('Invalid username or password'));
      },
    });
    try {
      const ok = await sendMbox(mails.slice(0, 1), { host: '127.0.0.1', port: server.port, user: 'sender', pass: 'right' });
      expect(ok[0]?.status).toBe('sent');
      expect(server.received[0]?.user).toBe('sender');
      const err = await sendMbox(mails, { host: '127.0.0.1', port: server.port, user: 'sender', pass: 'wrong' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StablepickError);
      const line = (err as StablepickError).oneLine();
      expect(line).toMatch(new RegExp(`^cannot send mail: SMTP server 127\\.0\\.0\\.1:${server.port} refused the login of sender`));
      expect(line).not.toContain('\n');
      expect(server.received).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('a closed port is a one-line "connection refused" error', async () => {
    const port = await closedPort();
    const err = await sendMbox(mails, { host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StablepickError);
    expect((err as StablepickError).code).toBe('SMTP_FAILED');
    expect((err as StablepickError).oneLine()).toBe(
      `cannot send mail: connection to SMTP server 127.0.0.1:${port} refused — check the SMTP host and port, and that the server is running`,
    );
  });

  it('a mail the server refuses is reported, and the rest are not sent', async () => {
    const server = await startServer({
      onRcptTo(address, _session, callback) {
        if (address.address === 'joerg@example.org') callback(new Error('no such user'));
        else callback();
      },
    });
    try {
      const order = [mails[2] as AutoselMail, mails[0] as AutoselMail];
      const results = await sendMbox(order, { host: '127.0.0.1', port: server.port });
      expect(results[0]?.status).toBe('sent'); // partial acceptance: joerg rejected, stable accepted
      expect(results[0]?.rejected).toEqual(['joerg@example.org']);
      const strict = await startServer({ onRcptTo: (_a, _s, cb) => cb(new Error('relay denied')) });
      try {
        const r2 = await sendMbox(order, { host: '127.0.0.1', port: strict.port });
        expect(r2.map((r) => r.status)).toEqual(['refused', 'not-sent']);
        expect(r2[1]?.response).toBe('not sent: mail 1 was refused');
        expect(strict.received).toHaveLength(0);
      } finally {
        await strict.close();
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a host the caller did not allow, and bad settings, before connecting', async () => {
    await expect(sendMbox(mails, { host: 'smtp.example.org', port: 25 }, { allowedHosts: ['127.0.0.1'] })).rejects.toThrow(
      /refusing to send to SMTP host smtp\.example\.org/,
    );
    await expect(sendMbox(mails, { host: '', port: 25 })).rejects.toThrow(/not an SMTP host/);
    await expect(sendMbox(mails, { host: '127.0.0.1', port: 0 })).rejects.toThrow(/not an SMTP port/);
    await expect(sendMbox(mails, { host: '127.0.0.1', port: 25, user: 'x' })).rejects.toThrow(/user and password go together/);
    await expect(sendMbox([{ text: 'hello\n' }], { host: '127.0.0.1', port: 25 })).rejects.toThrow(/no From or Subject header/);
  });
});
