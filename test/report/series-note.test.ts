/**
 * A mail's patch comes from the series' trial pick on its newest tree (after the earlier mails), while the
 * case tried the commit after its own queue only. When the two differ, the mail must say what the patch
 * below it is, not repeat the case's description of another patch (found on DPDK e2422b23a6a3: the case
 * said "1 hunk moved", the mailed patch also had other context).
 */
import { describe, expect, it } from 'vitest';
import type { WrittenCase } from '../../src/report/case/index.js';
import { seriesTrialNote } from '../../src/report/series/plan.js';

const SHA = 'e2422b23a6a3cce9537b534503179a09438fec22';

/** Only the fields seriesTrialNote reads; the rest of a case does not matter here. */
function caseWith(apply: { sha: string; result: string; reason: string }[]): WrittenCase {
  return { sha: SHA, branches: [{ branch: '25.11', apply }] } as unknown as WrittenCase; // a partial case: the note reads sha and branches[].apply only
}

describe('seriesTrialNote', () => {
  const own = caseWith([{ sha: SHA, result: 'clean-with-offset', reason: '1 hunk moved' }]);

  it('adds nothing when the series trial is the case trial', () => {
    expect(seriesTrialNote(own, '25.11', { result: 'clean-with-offset', reason: '1 hunk moved', before: 4 })).toBe('');
    expect(seriesTrialNote(own, '25.11', undefined)).toBe('');
  });

  it('says what the mailed patch is when an earlier mail changed its context', () => {
    const note = seriesTrialNote(own, '25.11', { result: 'clean-with-offset', reason: '1 hunk moved; 1 hunk with other context', before: 14 });
    expect(note).toBe(
      '\n\nThe patch below is the trial pick after the 14 earlier mails of this series for 25.11: clean-with-offset — 1 hunk moved; 1 hunk with other context' +
        ' (the case above tried it after its own queue only: clean-with-offset — 1 hunk moved).\n',
    );
  });

  it('counts one earlier mail in the singular and names the branch when it is first', () => {
    expect(seriesTrialNote(own, '25.11', { result: 'clean', reason: 'applies as is', before: 1 })).toContain(
      'after the 1 earlier mail of this series for 25.11: clean — applies as is',
    );
    const first = seriesTrialNote(caseWith([]), '25.11', { result: 'clean', reason: 'applies as is', before: 0 });
    expect(first).toBe('\n\nThe patch below is the trial pick onto 25.11: clean — applies as is.\n');
  });
});
