/** Overview: per branch, counts by verdict and review state, the confidence histogram, the largest subsystems. */
import { REVIEW_STATES, ROW_VERDICTS, type BranchOverview, type Overview } from '../../../src/server/api-types.js';
import { StatusBadge, VerdictBadge } from '../common.js';
import { listHref } from '../route.js';

function Histogram({ bins }: { bins: number[] }) {
  const max = Math.max(1, ...bins);
  const w = 30;
  const h = 90;
  return (
    <svg class="histogram" width={bins.length * w + 10} height={h + 34} role="img" aria-label="confidence histogram">
      {bins.map((n, i) => {
        const bh = Math.round((n / max) * h);
        return (
          <g key={i}>
            <rect x={5 + i * w + 3} y={h - bh + 12} width={w - 6} height={bh} class="bar">
              <title>{`confidence ${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}: ${n}`}</title>
            </rect>
            <text x={5 + i * w + w / 2} y={h - bh + 9} class="bar-n">
              {n || ''}
            </text>
            <text x={5 + i * w + w / 2} y={h + 26} class="bar-label">
              {(i / 10).toFixed(1)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function BranchCard({ b }: { b: BranchOverview }) {
  return (
    <section class="card">
      <h2>
        <a href={listHref(b.branch)}>{b.branch}</a> <span class="muted">{b.total} commits</span>
        <a class="small-link" href={`#/audit/${encodeURIComponent(b.branch)}`}>
          audit
        </a>
      </h2>
      <table class="counts">
        <thead>
          <tr>
            <th />
            {REVIEW_STATES.map((s) => (
              <th key={s}>
                <StatusBadge s={s} long />
              </th>
            ))}
            <th>total</th>
          </tr>
        </thead>
        <tbody>
          {ROW_VERDICTS.map((v) => {
            const row = b.counts[v];
            const total = REVIEW_STATES.reduce((a, s) => a + row[s], 0);
            return (
              <tr key={v}>
                <th>
                  <a href={listHref(b.branch, { verdict: v })}>
                    <VerdictBadge v={v} />
                  </a>
                </th>
                {REVIEW_STATES.map((s) => (
                  <td key={s}>{row[s] ? <a href={listHref(b.branch, { verdict: v, status: s })}>{row[s]}</a> : <span class="muted">0</span>}</td>
                ))}
                <td>
                  <a href={listHref(b.branch, { verdict: v })}>{total}</a>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="overview-bottom">
        <div>
          <h3>Confidence</h3>
          <Histogram bins={b.histogram} />
        </div>
        <div>
          <h3>Subsystems</h3>
          <ul class="subsystems">
            {b.subsystems.slice(0, 8).map((s) => (
              <li key={s.name}>
                <a href={listHref(b.branch, { subsystem: s.name })}>{s.name || '(none)'}</a> <span class="muted">{s.count}</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}

export function OverviewPage({ overview }: { overview: Overview }) {
  return (
    <div class="page" id="overview-page">
      <h1>
        Range {overview.range} <span class="muted">judged {new Date(overview.judgedAt).toLocaleString()}</span>
      </h1>
      <div class="cards">
        {overview.branches.map((b) => (
          <BranchCard key={b.branch} b={b} />
        ))}
      </div>
    </div>
  );
}
