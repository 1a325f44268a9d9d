/** The review section of the config, and how decisions, opt-outs and ACK paths change a verdict. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/conventions/config.js';
import { StablepickError } from '../../src/errors.js';
import { applyReview, compilePolicy, isReviewer, reviewConfig, type ReviewPolicy } from '../../src/review/policy.js';
import type { ReviewRecord } from '../../src/review/store.js';
import type { Verdict } from '../../src/select/judge.js';

const SHA = 'a'.repeat(40);

function verdict(v: Verdict['verdict'], branch = 'linux-6.12.y'): Verdict {
  return {
    sha: SHA,
    branch,
    subject: 'x: fix y',
    verdict: v,
    confidence: 0.8,
    probability: v === 'YES' ? 0.8 : 0.2,
    reasons: [{ kind: 'rule', rule: 'stable-tag', decided: true, text: 'Cc: stable' }],
  };
}

function record(status: ReviewRecord['status'], why = ''): ReviewRecord {
  return {
    sha: SHA,
    branch: 'linux-6.12.y',
    status,
    who: 'Jane Doe <jane@example.org>',
    at: Date.UTC(2025, 10, 3) / 1000,
    why,
    source: 'cli',
    messageId: null,
  };
}

const policy: ReviewPolicy = compilePolicy({
  reviewers: ['Jane Doe <jane@example.org>'],
  optOutPaths: [
    { paths: ['drivers/gpu/**'], branches: ['linux-6.12.y'], reason: 'DRM sends its own backports' },
    { paths: ['Documentation/**', '*.md'], reason: 'docs are not backported' },
  ],
  ackPaths: [{ paths: ['mm/**'], reason: 'mm needs an ACK from the mm maintainers' }],
});

function configError(text: string): string {
  try {
    parseConfig(text, 'stablepick.config.json');
  } catch (e) {
    if (e instanceof StablepickError) {
      expect(e.code).toBe('BAD_CONFIG');
      return e.oneLine();
    }
    throw e;
  }
  throw new Error('expected BAD_CONFIG');
}

describe('review config', () => {
  it('accepts the documented section and reads it from a file', () => {
    const text = JSON.stringify({
      review: {
        reviewers: ['A B <a@b.org>'],
        optOutPaths: [{ paths: ['drivers/gpu/**'], branches: ['linux-6.12.y'], reason: 'r' }],
        ackPaths: [{ paths: ['mm/**'], reason: 'ack' }],
      },
    });
    expect(parseConfig(text, 'f').review).toBeDefined();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stablepick-review-cfg-'));
    const file = path.join(dir, 'stablepick.config.json');
    writeFileSync(file, text);
    const p = reviewConfig(dir, file);
    expect(p.reviewers).toEqual(['A B <a@b.org>']);
    expect(p.optOut[0]?.branches).toEqual(['linux-6.12.y']);
    expect(p.ack[0]?.reason).toBe('ack');
    // No section: nothing changes a verdict.
    writeFileSync(file, '{}');
    expect(reviewConfig(dir, file)).toEqual({ reviewers: [], optOut: [], ack: [] });
  });

  it('refuses wrong shapes with a one-line error that says what to write', () => {
    expect(configError('{"review": []}')).toContain('"review" must be an object');
    expect(configError('{"review": {"reviewer": []}}')).toContain('unknown key review."reviewer"');
    expect(configError('{"review": {"reviewers": ["jane"]}}')).toContain('is not "Name <email>"');
    expect(configError('{"review": {"optOutPaths": [{"paths": [], "reason": "r"}]}}')).toContain('paths must be a non-empty array');
    expect(configError('{"review": {"optOutPaths": [{"paths": ["a/**"]}]}}')).toContain('has no "reason"');
    expect(configError('{"review": {"optOutPaths": [{"paths": ["a/**"], "reason": "r", "branches": "x"}]}}')).toContain('branches must be');
    expect(configError('{"review": {"ackPaths": [{"paths": ["a/**"], "reason": "r", "branches": ["x"]}]}}')).toContain(
      'unknown key review.ackPaths[0]."branches"',
    );
  });

  it('knows reviewers by e-mail address', () => {
    expect(isReviewer(policy, 'J. Doe <JANE@example.org>')).toBe(true);
    expect(isReviewer(policy, 'Mallory <m@example.org>')).toBe(false);
    expect(isReviewer(compilePolicy({}), 'anyone <a@b.c>')).toBe(true);
  });
});

describe('applyReview', () => {
  it('a rejected commit is NO with the reviewer, day and reason, whatever the model said', () => {
    for (const v of ['YES', 'NEEDS-REVIEW', 'NO'] as const) {
      const out = applyReview(verdict(v), ['lib/x.c'], record('rejected', 'breaks suspend'), policy);
      expect(out.verdict).toBe('NO');
      expect(out.confidence).toBe(1);
      expect(out.reasons[0]).toMatchObject({
        kind: 'rule',
        decided: true,
        source: 'review',
        text: 'rejected by Jane Doe <jane@example.org> on 2025-11-03: breaks suspend',
      });
      expect(out.reasons[0]?.rule).toBeUndefined();
      // The rule that decided before no longer does.
      expect(out.reasons.filter((r) => r.decided)).toHaveLength(1);
    }
    // Even on an ACK path or an opted-out path.
    expect(applyReview(verdict('YES'), ['mm/a.c'], record('rejected', 'no'), policy).verdict).toBe('NO');
  });

  it('accepted is YES (also on ACK paths and despite an opt-out); deferred and needs-review are NEEDS-REVIEW', () => {
    const acc = applyReview(verdict('NO'), ['mm/a.c'], record('accepted'), policy);
    expect(acc.verdict).toBe('YES');
    expect(acc.reasons[0]?.text).toBe('accepted by Jane Doe <jane@example.org> on 2025-11-03');
    expect(applyReview(verdict('NO'), ['drivers/gpu/a.c'], record('accepted'), policy).verdict).toBe('YES');
    const def = applyReview(verdict('YES'), ['lib/x.c'], record('deferred', 'after the merge window'), policy);
    expect(def.verdict).toBe('NEEDS-REVIEW');
    expect(def.reasons[0]?.text).toBe('deferred by Jane Doe <jane@example.org> on 2025-11-03: after the merge window');
    expect(applyReview(verdict('YES'), ['lib/x.c'], record('needs-review', 'reply'), policy).verdict).toBe('NEEDS-REVIEW');
  });

  it('opts out per branch or for all branches when every file matches', () => {
    const gpu = applyReview(verdict('YES'), ['drivers/gpu/drm/i915/a.c', 'drivers/gpu/b.h'], null, policy);
    expect(gpu.verdict).toBe('NO');
    expect(gpu.confidence).toBe(1);
    expect(gpu.reasons[0]?.text).toBe('opted out for linux-6.12.y (drivers/gpu/**): DRM sends its own backports');
    // Another branch: the gpu opt-out does not hold.
    expect(applyReview(verdict('YES', 'linux-6.6.y'), ['drivers/gpu/a.c'], null, policy).verdict).toBe('YES');
    // Not every file: no opt-out.
    expect(applyReview(verdict('YES'), ['drivers/gpu/a.c', 'kernel/b.c'], null, policy).verdict).toBe('YES');
    // For all branches.
    const doc = applyReview(verdict('YES', 'linux-5.15.y'), ['Documentation/x.rst', 'README.md'], null, policy);
    expect(doc.verdict).toBe('NO');
    expect(doc.reasons[0]?.text).toContain('docs are not backported');
    // No files: nothing to match.
    expect(applyReview(verdict('YES'), [], null, policy).verdict).toBe('YES');
  });

  it('a YES touching an ACK path needs an explicit ACK; NO and NEEDS-REVIEW stay', () => {
    const v = applyReview(verdict('YES'), ['kernel/a.c', 'mm/slub.c'], null, policy);
    expect(v.verdict).toBe('NEEDS-REVIEW');
    expect(v.reasons[0]?.text).toBe('needs an explicit ACK: mm needs an ACK from the mm maintainers');
    expect(applyReview(verdict('NO'), ['mm/slub.c'], null, policy).verdict).toBe('NO');
    expect(applyReview(verdict('YES'), ['kernel/a.c'], null, policy)).toEqual(verdict('YES'));
  });

  it('leaves a commit the branch already holds as it is, noting the decision', () => {
    const held = { ...verdict('YES'), already: 'b'.repeat(40) };
    const out = applyReview(held, ['lib/x.c'], record('rejected', 'no'), policy);
    expect(out.verdict).toBe('YES');
    expect(out.reasons.at(-1)?.text).toContain('the branch already holds it');
  });
});
