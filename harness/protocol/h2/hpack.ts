/**
 * HPACK, header compression for HTTP/2 (RFC 7541): the static table (Appendix A), a dynamic table per direction
 * with its size accounting (§4.1: 32 + name + value octets per entry) and eviction (§4.4), integers with an N-bit
 * prefix (§5.1), string literals raw or Huffman-coded (§5.2), and the five field representations (§6): indexed,
 * literal with incremental indexing, without indexing, never indexed, and the dynamic table size update.
 *
 * Names and values are octets; they cross this API as latin1 strings (one char per octet), as header bytes do.
 */
import { huffmanDecode, huffmanEncodedLength, huffmanEncodeInto } from './huffman.js';

/** A malformed header block (RFC 7541 §3.1, §4.2, §5, §6): a COMPRESSION_ERROR for the connection. */
export class HpackError extends Error {
  constructor(
    /** Stable: 'index-zero', 'index-out-of-range', 'truncated', 'integer-overflow', 'huffman-eos',
     * 'huffman-padding', 'size-update-too-large', 'size-update-misplaced'. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HpackError';
  }
}

/** The static table, RFC 7541 Appendix A; HPACK index i is STATIC_TABLE[i - 1]. */
export const STATIC_TABLE: ReadonlyArray<readonly [string, string]> = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/** Per entry, beyond its name and value (§4.1). */
export const HPACK_ENTRY_OVERHEAD_BYTES = 32;
export const HPACK_DEFAULT_TABLE_SIZE = 4096;

const STATIC_EXACT = new Map<string, number>();
const STATIC_NAME = new Map<string, number>();
STATIC_TABLE.forEach(([name, value], i) => {
  const key = `${name}\0${value}`;
  if (!STATIC_EXACT.has(key)) STATIC_EXACT.set(key, i + 1);
  if (!STATIC_NAME.has(name)) STATIC_NAME.set(name, i + 1);
});

const entrySize = (name: string, value: string): number => HPACK_ENTRY_OVERHEAD_BYTES + Buffer.byteLength(name, 'latin1') + Buffer.byteLength(value, 'latin1');

/** The dynamic table (§2.3.2, §4): newest entry first in HPACK order; stored oldest first so adding is a push. */
class DynamicTable {
  /** Oldest first: HPACK index 62 is the last element. */
  readonly entries: Array<[string, string]> = [];
  private readonly sizes: number[] = [];
  size = 0;

  constructor(public maxSize: number) {}

  get length(): number {
    return this.entries.length;
  }

  /** The entry at dynamic position i (0 = newest, HPACK index 62). */
  at(i: number): [string, string] {
    return this.entries[this.entries.length - 1 - i]!;
  }

  /** §4.4: evict from the oldest end until the new entry fits; an entry larger than the table empties it. */
  add(name: string, value: string): void {
    const size = entrySize(name, value);
    this.evictTo(this.maxSize - size);
    if (size > this.maxSize) return;
    this.entries.push([name, value]);
    this.sizes.push(size);
    this.size += size;
  }

  /** §4.3: a smaller maximum evicts until the table fits. */
  resize(maxSize: number): void {
    this.maxSize = maxSize;
    this.evictTo(maxSize);
  }

  /** Drops the oldest entries until at most `limit` bytes remain (a negative limit empties the table). */
  private evictTo(limit: number): void {
    let drop = 0;
    while (drop < this.sizes.length && this.size > limit) this.size -= this.sizes[drop++]!;
    if (drop > 0) {
      this.entries.splice(0, drop);
      this.sizes.splice(0, drop);
    }
  }

  /** Newest first, as HPACK numbers them. */
  list(): Array<[string, string]> {
    return this.entries.map(([n, v]) => [n, v] as [string, string]).reverse();
  }
}

/** How a literal is represented (§6.2): added to the dynamic table, not added, or never indexed by any hop. */
export type HpackIndexing = 'incremental' | 'without' | 'never';

export interface HpackEncodeOptions {
  /**
   * Huffman-code string literals: true (default) when it is shorter than the raw octets, as browsers do; 'always'
   * for every literal (RFC 7541's C.4 and C.6 examples); false never.
   */
  huffman?: boolean | 'always';
  /** Per field, how a literal is sent; default 'incremental' for every field. */
  indexing?: (name: string, value: string) => HpackIndexing;
}

/** A growable output buffer. */
class Writer {
  buf = Buffer.allocUnsafe(256);
  at = 0;

  ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  /** §5.1: `value` with an N-bit prefix, the high bits of the first octet set to `flags`. */
  integer(value: number, prefixBits: number, flags: number): void {
    this.ensure(6);
    const max = (1 << prefixBits) - 1;
    if (value < max) {
      this.buf[this.at++] = flags | value;
      return;
    }
    this.buf[this.at++] = flags | max;
    let rest = value - max;
    while (rest >= 128) {
      this.buf[this.at++] = (rest % 128) + 128;
      rest = Math.floor(rest / 128);
    }
    this.buf[this.at++] = rest;
  }

  /** §5.2: a string literal, its H bit set when Huffman-coded. */
  string(s: string, huffman: boolean | 'always'): void {
    const raw = Buffer.from(s, 'latin1');
    const coded = huffman === false ? Infinity : huffmanEncodedLength(raw);
    if (huffman === 'always' || coded < raw.length) {
      this.integer(coded, 7, 0x80);
      this.ensure(coded);
      this.at = huffmanEncodeInto(raw, this.buf, this.at);
    } else {
      this.integer(raw.length, 7, 0);
      this.ensure(raw.length);
      raw.copy(this.buf, this.at);
      this.at += raw.length;
    }
  }

  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.at));
  }
}

/** §5.1 and the exported helpers the tests check against Appendix C.1. */
export function encodeInteger(value: number, prefixBits: number, flags = 0): Buffer {
  const w = new Writer();
  w.integer(value, prefixBits, flags);
  return w.take();
}

/** Decodes an integer with an N-bit prefix at `at`; returns the value and the offset after it. */
export function decodeInteger(block: Uint8Array, at: number, prefixBits: number): { value: number; next: number } {
  if (at >= block.length) throw new HpackError('truncated', 'header block ends inside an integer');
  const max = (1 << prefixBits) - 1;
  let value = block[at]! & max;
  at++;
  if (value < max) return { value, next: at };
  let scale = 1;
  for (;;) {
    if (at >= block.length) throw new HpackError('truncated', 'header block ends inside an integer');
    const b = block[at++]!;
    value += (b & 0x7f) * scale;
    // No field, index or table size needs more than 32 bits; a longer integer is an attack or garbage.
    if (value > 0xffff_ffff) throw new HpackError('integer-overflow', 'integer in header block exceeds 2^32');
    if ((b & 0x80) === 0) return { value, next: at };
    scale *= 128;
  }
}

/**
 * The sending side of one direction. `maxTableSize` is the table size both ends start from: the peer decoder's
 * SETTINGS_HEADER_TABLE_SIZE (4096 unless it said otherwise).
 */
export class HpackEncoder {
  private readonly table: DynamicTable;
  private readonly limit: number;
  /** Size updates owed at the start of the next block (§4.2): the smallest since the last block, then the last. */
  private pendingMin: number | undefined;
  private pendingLast: number | undefined;

  constructor(maxTableSize: number = HPACK_DEFAULT_TABLE_SIZE) {
    this.limit = maxTableSize;
    this.table = new DynamicTable(maxTableSize);
  }

  /** Bytes the dynamic table holds (§4.1). */
  get tableSize(): number {
    return this.table.size;
  }

  /** The dynamic table, newest first (HPACK index 62 first). */
  get entries(): Array<[string, string]> {
    return this.table.list();
  }

  /** Uses a table of `size` bytes from the next block on, and says so there with a size update (§6.3). */
  setMaxTableSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.limit) throw new RangeError(`HPACK table size ${size} outside 0..${this.limit}`);
    this.pendingMin = Math.min(this.pendingMin ?? size, size);
    this.pendingLast = size;
    this.table.resize(size);
  }

  encode(headers: ReadonlyArray<readonly [string, string]>, opts: HpackEncodeOptions = {}): Buffer {
    const huffman = opts.huffman ?? true;
    const w = new Writer();
    if (this.pendingLast !== undefined) {
      if (this.pendingMin! < this.pendingLast) w.integer(this.pendingMin!, 5, 0x20);
      w.integer(this.pendingLast, 5, 0x20);
      this.pendingMin = this.pendingLast = undefined;
    }
    for (const [name, value] of headers) {
      const indexing = opts.indexing?.(name, value) ?? 'incremental';
      const found = this.find(name, value);
      if (found.exact) {
        w.integer(found.exact, 7, 0x80);
        continue;
      }
      if (indexing === 'incremental') w.integer(found.name, 6, 0x40);
      else w.integer(found.name, 4, indexing === 'never' ? 0x10 : 0x00);
      if (found.name === 0) w.string(name, huffman);
      w.string(value, huffman);
      if (indexing === 'incremental') this.table.add(name, value);
    }
    return w.take();
  }

  /** The smallest index with this name and value, and the smallest with this name; 0 for none. */
  private find(name: string, value: string): { exact: number; name: number } {
    const exact = STATIC_EXACT.get(`${name}\0${value}`);
    if (exact !== undefined) return { exact, name: exact };
    let nameIndex = STATIC_NAME.get(name) ?? 0;
    for (let i = 0; i < this.table.length; i++) {
      const [n, v] = this.table.at(i);
      if (n !== name) continue;
      if (v === value) return { exact: STATIC_TABLE.length + 1 + i, name: nameIndex };
      if (nameIndex === 0) nameIndex = STATIC_TABLE.length + 1 + i;
    }
    return { exact: 0, name: nameIndex };
  }
}

/**
 * The receiving side of one direction. `maxTableSize` is the limit this end advertised
 * (SETTINGS_HEADER_TABLE_SIZE, 4096 by default): the table starts at it, and no size update may exceed it.
 */
export class HpackDecoder {
  private readonly table: DynamicTable;
  private limit: number;

  constructor(maxTableSize: number = HPACK_DEFAULT_TABLE_SIZE) {
    this.limit = maxTableSize;
    this.table = new DynamicTable(maxTableSize);
  }

  get tableSize(): number {
    return this.table.size;
  }

  /** The table's current maximum, as the last size update set it. */
  get maxTableSize(): number {
    return this.table.maxSize;
  }

  get entries(): Array<[string, string]> {
    return this.table.list();
  }

  /** A new advertised limit (after its SETTINGS was acknowledged): later size updates are checked against it. */
  setLimit(size: number): void {
    this.limit = size;
  }

  /** Decodes one complete header block (the fragments of HEADERS and CONTINUATION joined). */
  decode(block: Uint8Array): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    let at = 0;
    while (at < block.length) {
      const b = block[at]!;
      if (b & 0x80) {
        // §6.1 indexed field.
        const { value: index, next } = decodeInteger(block, at, 7);
        at = next;
        const [name, value] = this.lookup(index);
        out.push([name, value]);
      } else if ((b & 0xe0) === 0x20) {
        // §6.3 dynamic table size update: only at the start of a block (§4.2).
        const { value: size, next } = decodeInteger(block, at, 5);
        at = next;
        if (out.length > 0) throw new HpackError('size-update-misplaced', 'dynamic table size update after a header field');
        if (size > this.limit) throw new HpackError('size-update-too-large', `dynamic table size update to ${size} above the limit ${this.limit}`);
        this.table.resize(size);
      } else {
        // §6.2 literals: with incremental indexing (01, 6-bit index), without (0000) or never indexed (0001, 4-bit).
        const incremental = (b & 0xc0) === 0x40;
        const { value: index, next } = decodeInteger(block, at, incremental ? 6 : 4);
        at = next;
        let name: string;
        if (index === 0) {
          const s = readString(block, at);
          name = s.value;
          at = s.next;
        } else name = this.lookup(index)[0];
        const s = readString(block, at);
        at = s.next;
        out.push([name, s.value]);
        if (incremental) this.table.add(name, s.value);
      }
    }
    return out;
  }

  private lookup(index: number): readonly [string, string] {
    if (index === 0) throw new HpackError('index-zero', 'header field index 0');
    if (index <= STATIC_TABLE.length) return STATIC_TABLE[index - 1]!;
    const i = index - STATIC_TABLE.length - 1;
    if (i >= this.table.length) throw new HpackError('index-out-of-range', `header field index ${index} beyond the ${STATIC_TABLE.length + this.table.length} entries`);
    return this.table.at(i);
  }
}

function readString(block: Uint8Array, at: number): { value: string; next: number } {
  if (at >= block.length) throw new HpackError('truncated', 'header block ends before a string literal');
  const huffman = (block[at]! & 0x80) !== 0;
  const { value: length, next } = decodeInteger(block, at, 7);
  if (next + length > block.length) throw new HpackError('truncated', `string literal of ${length} octets runs past the header block`);
  const bytes = block.subarray(next, next + length);
  if (!huffman) return { value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'), next: next + length };
  const decoded = huffmanDecode(bytes);
  if (decoded === 'eos') throw new HpackError('huffman-eos', 'Huffman-coded string contains EOS');
  if (typeof decoded === 'string') throw new HpackError('huffman-padding', `Huffman-coded string has bad padding (${decoded})`);
  return { value: decoded.toString('latin1'), next: next + length };
}
