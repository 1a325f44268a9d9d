/**
 * What `review import` accepts: an mbox or a single mail, plain, gzip- or xz-compressed (as lore and
 * mailing-list archives hand them out). Anything else is refused with one line that says what it looks
 * like, never read as "0 messages": a typo'd file name, a tarball or a binary must not pass for an empty
 * mailbox.
 */
import { gunzipSync } from 'node:zlib';
import type { XzReadableStream as XzStream } from 'xz-decompress';
import { StablepickError } from '../errors.js';

const GZIP = [0x1f, 0x8b];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
/** Formats recognised only to name them in the refusal. */
const OTHER: readonly (readonly [string, readonly number[]])[] = [
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
];

const startsWith = (b: Buffer, magic: readonly number[]): boolean => b.length >= magic.length && magic.every((x, i) => b[i] === x);

async function unxz(data: Buffer): Promise<Buffer> {
  // A CommonJS bundle (a WebAssembly build of xz-embedded), loaded only for an .xz file. Node puts its
  // exports under `default`; tsx, running from source, finds the named export.
  const mod: { XzReadableStream?: typeof XzStream; default?: { XzReadableStream?: typeof XzStream } } = await import('xz-decompress');
  const XzReadableStream = mod.XzReadableStream ?? mod.default?.XzReadableStream;
  if (!XzReadableStream) throw new Error('xz-decompress has no XzReadableStream');
  const input = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new Uint8Array(data));
      c.close();
    },
  });
  return Buffer.from(await new Response(new XzReadableStream(input)).arrayBuffer());
}

/** The mailbox text of `data` (read from `name`), decompressed; refuses what is neither an mbox nor a mail. */
export async function mailboxBytes(data: Buffer, name: string): Promise<Buffer> {
  let text = data;
  try {
    if (startsWith(data, GZIP)) text = gunzipSync(data);
    else if (startsWith(data, XZ)) text = await unxz(data);
  } catch (e) {
    throw new StablepickError('BAD_INPUT', {
      input: name,
      why: `is a damaged compressed file (${(e as Error).message})`,
      fix: 'fetch the archive again, or give the mbox uncompressed',
    });
  }
  const other = OTHER.find(([, magic]) => startsWith(text, magic));
  if (other)
    throw new StablepickError('BAD_INPUT', {
      input: name,
      why: `is ${other[0]}-compressed, which review import does not read`,
      fix: 'give an mbox, plain or compressed with gzip or xz',
    });
  if (text.length === 0) throw new StablepickError('BAD_INPUT', { input: name, why: 'is empty', fix: "give an mbox with the replies to stablepick's mails" });
  const head = text.subarray(0, 64 * 1024);
  if (head.includes(0))
    throw new StablepickError('BAD_INPUT', {
      input: name,
      why: 'is not a mailbox: it holds binary data',
      fix: 'give an mbox, plain or compressed with gzip or xz',
    });
  const lines = head.toString('latin1').replace(/\r\n/g, '\n').split('\n');
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const mbox = /^From \S/.test(first);
  // A single mail (b4 and mail clients save one as .eml): a header block that names a sender or an id.
  const headerEnd = lines.indexOf('');
  const headers = lines.slice(0, headerEnd < 0 ? lines.length : headerEnd);
  const mail = /^[A-Za-z][A-Za-z0-9-]*:/.test(first) && headers.some((l) => /^(from|message-id):/i.test(l));
  if (!mbox && !mail)
    throw new StablepickError('BAD_INPUT', {
      input: name,
      why: `is neither an mbox nor a mail (it starts ${JSON.stringify(first.slice(0, 40))})`,
      fix: 'give an mbox (lines "From ..." between mails), plain or compressed with gzip or xz',
    });
  // A single mail without the mbox separator: give it one, so that it splits as one message.
  return mbox ? text : Buffer.concat([Buffer.from('From stablepick-import Thu Jan  1 00:00:00 1970\n', 'latin1'), text]);
}
