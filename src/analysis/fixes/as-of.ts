/** Parsing a command's `--as-of` value: Unix seconds, or any date `Date.parse` reads (ISO 8601). */
import { StablepickError } from '../../errors.js';

export function parseAsOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new StablepickError('BAD_OPTION', {
      option: '--as-of',
      value: `'${v}'`,
      why: 'is not a date',
      fix: 'give Unix seconds or an ISO date such as 2023-03-01',
    });
  return Math.floor(t / 1000);
}
