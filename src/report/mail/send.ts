/**
 * Sending built mails over SMTP (nodemailer), each exactly as written: the mbox entry without its
 * `From <sha> ...` separator line and with the mboxrd `>From ` quoting undone is handed to nodemailer
 * as a raw message, so no header or body byte is rewritten (SMTP itself carries lines as CRLF and
 * dot-stuffs them; the receiver undoes both). The envelope is the mail's From address to every To and
 * Cc address. Only the host the caller names is ever contacted: no MX lookup, no service presets, no
 * proxy, no configuration from the environment.
 */
import nodemailer from 'nodemailer';
import PostalMime from 'postal-mime';
import { StablepickError } from '../../errors.js';
import { mboxEntryToMessage } from './mbox.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  user?: string;
  pass?: string;
}

export interface SendOptions {
  /** Envelope sender; default each mail's From address. */
  envelopeFrom?: string;
  /** The name the client greets with (EHLO); default nodemailer's (the machine's host name). */
  clientName?: string;
  /** Refuse to send unless STARTTLS succeeds. */
  requireTLS?: boolean;
  /** Accept a certificate that does not verify (a local test server's). */
  allowUnverifiedTls?: boolean;
  /** If given, the host must be one of these (a guard for callers that take the host from a config file). */
  allowedHosts?: readonly string[];
  /** Go on with the next mail after the server refuses one (default: stop). */
  keepGoing?: boolean;
  /** Connection and greeting timeout in milliseconds (default 30 s). */
  timeoutMs?: number;
}

export interface SendResult {
  messageId: string;
  subject: string;
  status: 'sent' | 'refused' | 'not-sent';
  envelope: { from: string; to: string[] };
  accepted: string[];
  rejected: string[];
  /** The server's last reply, or why the mail was refused / not sent. */
  response: string;
}

interface Prepared {
  raw: string;
  messageId: string;
  subject: string;
  envelope: { from: string; to: string[] };
}

const addr = (a: string | { address: string }): string => (typeof a === 'string' ? a : a.address);

/** Parses a built mail for its envelope (From → To + Cc) and its id. */
async function envelopeOf(text: string, index: number, opts: SendOptions): Promise<Prepared> {
  const raw = mboxEntryToMessage(text);
  const head = raw.slice(0, raw.indexOf('\n\n'));
  if (!/^From: /im.test(head) || !/^Subject: /im.test(head)) {
    throw new StablepickError('BAD_MAIL', { input: `mail ${index + 1}`, why: 'has no From or Subject header', fix: 'send mails built by formatAutoselMail' });
  }
  const email = await PostalMime.parse(raw);
  const from = opts.envelopeFrom ?? email.from?.address ?? '';
  const to: string[] = [];
  const seen = new Set<string>();
  for (const a of [...(email.to ?? []), ...(email.cc ?? [])]) {
    const list = 'group' in a && Array.isArray(a.group) ? a.group : [a];
    for (const m of list) {
      const e = 'address' in m ? (m.address ?? '') : '';
      if (e && !seen.has(e.toLowerCase())) {
        seen.add(e.toLowerCase());
        to.push(e);
      }
    }
  }
  if (!from) throw new StablepickError('BAD_MAIL', { input: `mail ${index + 1}`, why: 'has no sender address', fix: 'give the mail a From header' });
  if (!to.length) throw new StablepickError('BAD_MAIL', { input: `mail ${index + 1}`, why: 'has no recipients', fix: 'give the mail a To header' });
  return { raw, messageId: email.messageId ?? '', subject: email.subject ?? '', envelope: { from, to } };
}

/** One line for a failure to reach or log in to the server; null for a refusal of one mail. */
function connectionFailure(e: unknown, smtp: SmtpSettings, sent: number, total: number): StablepickError | null {
  const err = e as { code?: string; message?: string; responseCode?: number; response?: string };
  const at = { host: smtp.host, port: smtp.port, sent, total };
  const msg = (err.message ?? String(e)).replace(/\s+/g, ' ').trim();
  if (/ECONNREFUSED/.test(msg) || err.code === 'ECONNREFUSED') {
    return new StablepickError('SMTP_FAILED', { ...at, why: 'refused' });
  }
  if (err.code === 'EAUTH') {
    return new StablepickError('SMTP_FAILED', { ...at, why: 'login', ...(smtp.user ? { user: smtp.user } : {}), detail: err.response ?? msg });
  }
  if (err.code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(msg)) {
    return new StablepickError('SMTP_FAILED', { ...at, why: 'host-unknown' });
  }
  if (err.code === 'ETIMEDOUT' || /timeout/i.test(msg)) {
    return new StablepickError('SMTP_FAILED', { ...at, why: 'timeout' });
  }
  if (err.code === 'ETLS' || err.code === 'ECONNECTION' || err.code === 'ESOCKET' || err.code === 'EPROTOCOL') {
    return new StablepickError('SMTP_FAILED', { ...at, why: 'other', detail: msg });
  }
  return null;
}

/**
 * Sends every mail in order over one connection to `smtp.host`. Throws a one-line StablepickError when
 * the server cannot be reached or refuses the login; a mail the server refuses is reported in its result
 * (and, unless `keepGoing`, the rest are not sent).
 */
export async function sendMbox(mails: readonly { text: string }[], smtp: SmtpSettings, opts: SendOptions = {}): Promise<SendResult[]> {
  if (!smtp.host || /[\s/@]/.test(smtp.host)) throw new StablepickError('BAD_SMTP', { host: smtp.host, port: smtp.port, why: 'host' });
  if (!Number.isInteger(smtp.port) || smtp.port < 1 || smtp.port > 65535)
    throw new StablepickError('BAD_SMTP', { host: smtp.host, port: smtp.port, why: 'port' });
  if (opts.allowedHosts && !opts.allowedHosts.some((h) => h.toLowerCase() === smtp.host.toLowerCase())) {
    throw new StablepickError('BAD_SMTP', { host: smtp.host, port: smtp.port, why: 'not-allowed', allowed: opts.allowedHosts });
  }
  if ((smtp.user === undefined) !== (smtp.pass === undefined)) throw new StablepickError('BAD_SMTP', { host: smtp.host, port: smtp.port, why: 'credentials' });
  const prepared: Prepared[] = [];
  for (const [i, m] of mails.entries()) prepared.push(await envelopeOf(m.text, i, opts));
  if (!prepared.length) return [];

  const timeout = opts.timeoutMs ?? 30_000;
  // Only these options: nothing picks another host (no `service`, `url`, `proxy`, `direct`).
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure ?? false,
    ...(smtp.user !== undefined && smtp.pass !== undefined ? { auth: { user: smtp.user, pass: smtp.pass } } : {}),
    ...(opts.clientName ? { name: opts.clientName } : {}),
    ...(opts.requireTLS ? { requireTLS: true } : {}),
    ...(opts.allowUnverifiedTls ? { tls: { rejectUnauthorized: false } } : {}),
    pool: true,
    maxConnections: 1,
    maxMessages: Infinity,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
    logger: false,
    debug: false,
  });
  const results: SendResult[] = prepared.map((p) => ({
    messageId: p.messageId,
    subject: p.subject,
    status: 'not-sent',
    envelope: p.envelope,
    accepted: [],
    rejected: [],
    response: '',
  }));
  let sent = 0;
  try {
    try {
      await transport.verify();
    } catch (e) {
      throw (
        connectionFailure(e, smtp, 0, prepared.length) ??
        new StablepickError('SMTP_FAILED', {
          host: smtp.host,
          port: smtp.port,
          sent: 0,
          total: prepared.length,
          why: 'other',
          detail: String((e as Error).message ?? e).replace(/\s+/g, ' '),
        })
      );
    }
    for (const [i, p] of prepared.entries()) {
      const r = results[i] as SendResult;
      try {
        const info = await transport.sendMail({ envelope: p.envelope, raw: p.raw });
        r.status = 'sent';
        r.accepted = info.accepted.map(addr);
        r.rejected = info.rejected.map(addr);
        r.response = info.response;
        sent++;
      } catch (e) {
        const conn = connectionFailure(e, smtp, sent, prepared.length);
        if (conn) throw conn;
        r.status = 'refused';
        r.response = String((e as { response?: string; message?: string }).response ?? (e as Error).message ?? e).replace(/\s+/g, ' ');
        if (!opts.keepGoing) {
          for (const rest of results.slice(i + 1)) rest.response = `not sent: mail ${i + 1} was refused`;
          break;
        }
      }
    }
  } finally {
    transport.close();
  }
  return results;
}
