/**
 * From decisions to output, for the dashboard: the accepted queue of a branch exported as `stablepick
 * review export` writes it (into a fresh folder under the system's temp folder, never the repository),
 * and the AUTOSEL mails of the accepted commits as `stablepick mail` writes them.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StablepickError } from '../errors.js';
import type { CaseContext } from '../report/case/index.js';
import { writeMbox } from '../report/mail/index.js';
import { mailConfig } from '../report/series/config.js';
import { planSeries } from '../report/series/plan.js';
import { writeSeries } from '../report/series/write.js';
import { acceptedQueue, exportQueue, type ExportFormat } from '../review/export.js';
import { applyReview, type ReviewPolicy } from '../review/policy.js';
import { ReviewStore } from '../review/store.js';
import type { ExportView, MailView } from './api-types.js';

/** At most this much text of the written files goes back to the page (the rest stays on disk). */
const MAX_PREVIEW = 4 * 1024 * 1024;

export async function exportView(ctx: CaseContext, branch: string, format: ExportFormat): Promise<ExportView> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stablepick-export-'));
  const out = path.join(dir, format === 'mbox' ? `${branch.replace(/[^A-Za-z0-9._-]+/g, '_')}.mbox` : format === 'cherry-pick' ? 'cherry-pick.sh' : 'patches');
  const r = await exportQueue(ctx.repo, ctx.db, branch, format, out);
  const files: { name: string; text: string }[] = [];
  let budget = MAX_PREVIEW;
  const add = (name: string, file: string): void => {
    const size = statSync(file).size;
    const text = size <= budget ? readFileSync(file, 'utf8') : `(${size} bytes: too large to show here; the file is ${file})`;
    budget -= Math.min(size, budget);
    files.push({ name, text });
  };
  if (format === 'quilt') {
    add('series', path.join(out, 'series'));
    for (const f of readdirSync(out)
      .filter((n) => n !== 'series')
      .sort())
      add(f, path.join(out, f));
  } else add(path.basename(out), out);
  return { branch, format, out, members: r.members.map((m) => ({ ...m })), conflict: r.conflict, files };
}

export interface MailInput {
  ctx: CaseContext;
  policy: ReviewPolicy;
  branch: string;
  reviewer: string | null;
  from?: string;
  to?: string[];
  write: boolean;
}

/** The AUTOSEL mails of the accepted commits of `branch`; with `write`, the mbox is saved and the Message-IDs recorded. */
export async function mailView(x: MailInput): Promise<MailView> {
  const { ctx, branch } = x;
  const shas = acceptedQueue(ctx.db, branch).map((c) => c.sha);
  if (!shas.length) throw new StablepickError('NOT_FOUND', { what: 'accepted', branch });
  const mc = mailConfig(ctx.configDir, ctx.configFile);
  const from = x.from?.trim() || mc.from || x.reviewer;
  if (!from)
    throw new StablepickError('BAD_OPTION', { form: 'missing', option: 'sender for the mails', fix: 'give From, or set mail.from in stablepick.config.json' });
  const to = x.to?.filter((s) => s.trim()).length ? x.to.filter((s) => s.trim()) : mc.to;
  if (!to.length)
    throw new StablepickError('BAD_OPTION', {
      form: 'missing',
      option: 'To address for the mails',
      fix: 'give To (e.g. stable@dpdk.org), or set mail.to in stablepick.config.json',
    });
  const store = new ReviewStore(ctx.db);
  const plan = await planSeries(ctx, { branches: [branch], shas, adjust: (v, files) => applyReview(v, files, store.get(v.sha, v.branch), x.policy) });
  const kernel = /^linux-\d+\.\d+\.y$/.test(branch);
  const mails = await writeSeries(ctx.repo, ctx.db, plan, { from, to, cc: mc.cc, kernel });
  const mbox = writeMbox(mails);
  let out: string | null = null;
  if (x.write) {
    out = path.join(mkdtempSync(path.join(os.tmpdir(), 'stablepick-mail-')), `${branch.replace(/[^A-Za-z0-9._-]+/g, '_')}-autosel.mbox`);
    writeFileSync(out, mbox);
    for (const m of mails) store.recordMail({ messageId: m.messageId, sha: m.sha, branches: m.branches, subject: m.subject });
  }
  return {
    branch,
    mbox,
    mails: mails.map((m) => ({ sha: m.sha, subject: m.subject, messageId: m.messageId, to: m.to, cc: m.cc })),
    skipped: [...plan.skipped, ...plan.failed].map((s) => ({ sha: s.sha, subject: s.subject, reason: s.reason })),
    out,
  };
}
