/**
 * From decisions to output: the accepted queue of a branch exported as `stablepick review export` writes
 * it (mbox, cherry-pick script, quilt folder), and the AUTOSEL mails of the accepted commits, each with a
 * preview and a download; writing the mails records their Message-IDs for `review import`.
 */
import { useState } from 'preact/hooks';
import type { ExportFormatName, ExportView, MailView, Overview } from '../../../src/server/api-types.js';
import { apiPost, errorText } from '../api.js';
import { BranchSelect, ErrorLine, short } from '../common.js';
import { exportHref } from '../route.js';

function download(name: string, text: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function ExportPage({ overview, branch }: { overview: Overview; branch: string }) {
  const [format, setFormat] = useState<ExportFormatName>('mbox');
  const [result, setResult] = useState<ExportView | null>(null);
  const [mail, setMail] = useState<MailView | null>(null);
  const [from, setFrom] = useState(overview.reviewer ?? '');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState(0);
  const run = async (what: string, f: () => Promise<void>): Promise<void> => {
    setBusy(what);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const doExport = (): Promise<void> =>
    run('exporting', async () => {
      setResult(await apiPost<ExportView>('/api/export', { branch, format }));
      setFile(0);
    });
  const doMail = (write: boolean): Promise<void> =>
    run(write ? 'writing the mails' : 'writing the preview', async () => {
      const m = await apiPost<MailView>('/api/mail', {
        branch,
        from,
        to: to
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        write,
      });
      setMail(m);
      if (write) download(m.out?.split('/').pop() ?? 'autosel.mbox', m.mbox);
    });
  const shown = result?.files[file];
  return (
    <div class="page" id="export-page">
      <h1>
        Output for <BranchSelect overview={overview} branch={branch} href={exportHref} />
      </h1>
      <ErrorLine error={error} />
      <section class="card">
        <h2>Export the accepted queue</h2>
        <div class="decide-buttons">
          <label>
            format{' '}
            <select id="export-format" value={format} onChange={(e) => setFormat((e.target as HTMLSelectElement).value as ExportFormatName)}>
              <option value="mbox">mbox (git am)</option>
              <option value="cherry-pick">cherry-pick script</option>
              <option value="quilt">quilt series</option>
            </select>
          </label>
          <button class="btn btn-yes" id="export-run" disabled={busy !== null} onClick={() => void doExport()}>
            Export
          </button>
          {busy ? <span class="muted">{busy}…</span> : null}
        </div>
        {result ? (
          <div id="export-result">
            <div class="muted">
              Written to{' '}
              <span class="mono" id="export-out">
                {result.out}
              </span>
              {result.conflict ? (
                <span class="bad">
                  {' '}
                  · stops at {short(result.conflict.sha)}: {result.conflict.reason}
                </span>
              ) : null}
            </div>
            <table class="rows" id="export-members">
              <tbody>
                {result.members.map((m) => (
                  <tr key={m.sha} data-state={m.state}>
                    <td class="mono">{short(m.sha)}</td>
                    <td>{m.subject}</td>
                    <td>{m.state}</td>
                    <td class="muted">{m.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {!result.members.length ? <div class="muted">No accepted commit for {branch}.</div> : null}
            <div class="tabs">
              {result.files.map((f, i) => (
                <button key={f.name} class={`tab${i === file ? ' on' : ''}`} onClick={() => setFile(i)}>
                  {f.name}
                </button>
              ))}
              {shown ? (
                <button class="btn" id="export-download" onClick={() => download(shown.name, shown.text)}>
                  Download {shown.name}
                </button>
              ) : null}
            </div>
            {shown ? (
              <pre class="preview" id="export-preview">
                {shown.text}
              </pre>
            ) : null}
          </div>
        ) : null}
      </section>
      <section class="card">
        <h2>AUTOSEL mails of the accepted commits</h2>
        <div class="decide-buttons">
          <label>
            From <input id="mail-from" type="text" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} size={36} />
          </label>
          <label>
            To{' '}
            <input
              id="mail-to"
              type="text"
              value={to}
              placeholder="(the config's mail.to)"
              onInput={(e) => setTo((e.target as HTMLInputElement).value)}
              size={30}
            />
          </label>
          <button class="btn" id="mail-preview" disabled={busy !== null} onClick={() => void doMail(false)}>
            Preview
          </button>
          <button class="btn btn-yes" id="mail-write" disabled={busy !== null || !mail} onClick={() => void doMail(true)}>
            Write the mbox
          </button>
        </div>
        {mail ? (
          <div id="mail-result">
            <div class="muted">
              {mail.mails.length} mail(s)
              {mail.skipped.length ? `, ${mail.skipped.length} not mailed (${mail.skipped.map((s) => `${short(s.sha)}: ${s.reason}`).join('; ')})` : ''}
              {mail.out ? (
                <>
                  {' '}
                  · written to <span class="mono">{mail.out}</span>, Message-IDs recorded for <code>review import</code>
                </>
              ) : null}
            </div>
            <pre class="preview" id="mail-text">
              {mail.mbox}
            </pre>
          </div>
        ) : null}
      </section>
    </div>
  );
}
