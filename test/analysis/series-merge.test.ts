/** Series by merge: the same author's adjacent commits with one subject prefix brought in by one merge. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pickQueue } from '../../src/analysis/deps/queue.js';
import { labelledShas, makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { indexedContext, type TestContext } from './ctx.js';

let r: RepoBuilder;
let ctx: TestContext;
const s = labelledShas('t1', 'other', 't2', 't3', 'merge');
const lines = (edit: Record<number, string>): string => Array.from({ length: 30 }, (_, i) => edit[i + 1] ?? `int eth_${i + 1};`).join('\n') + '\n';

beforeAll(async () => {
  r = makeRepo();
  const eth: Record<number, string> = {};
  r.commit('initial', { 'drivers/eth.c': lines(eth), README: 'x\n' });
  r.tag('v1.0');
  r.branch('stable-1.0');
  r.branch('topic', { checkout: true });
  const dev = 'Eth Dev <eth@example.org>';
  eth[2] = 'int eth_queue;';
  s.t1 = r.commit('eth: add a queue', { 'drivers/eth.c': lines(eth) }, { author: dev });
  s.other = r.commit('docs: mention the queue', { README: 'queue\n' }, { author: 'Doc Writer <doc@example.org>' });
  eth[25] = 'int eth_queue_used;';
  s.t2 = r.commit('eth: add a second queue', { 'drivers/eth.c': lines(eth) }, { author: dev });
  eth[28] = 'int eth_queue_enabled;';
  s.t3 = r.commit('eth: enable the queues', { 'drivers/eth.c': lines(eth) }, { author: dev });
  r.checkout('main');
  r.commit('core: unrelated', { 'core.c': 'int core;\n' });
  s.merge = r.merge('topic', { message: "Merge branch 'eth-queues'" });
  ctx = await indexedContext(r.dir);
});
afterAll(() => {
  ctx?.close();
  r?.cleanup();
});

it('names the earlier adjacent members of the merged topic', async () => {
  const q = await pickQueue(ctx, s.t3, 'stable-1.0', { blame: false, symbols: false });
  expect(q.queue.map((m) => m.sha)).toEqual([s.t2, s.t3]);
  expect(q.prerequisites.prerequisites[0]!.reasons[0]).toMatchObject({
    kind: 'series',
    series: { rule: 'merge', key: s.merge, position: 1, candidatePosition: 2, line: "Merge branch 'eth-queues'" },
  });
  expect(q.prerequisites.prerequisites[0]!.strength).toBe('strong');
});
