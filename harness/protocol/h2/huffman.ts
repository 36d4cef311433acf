/**
 * The HPACK Huffman code (RFC 7541 §5.2, Appendix B). The code in Appendix B is canonical: codes of one length are
 * consecutive and ordered by symbol, and each length's first code follows the last code of the length before. So
 * the bit lengths of the 257 symbols (256 octets and EOS) define the whole table, and both the encoder's codes and
 * the decoder's per-length ranges are built from them here.
 */

/** Code length in bits of each symbol 0..255 and EOS (256), transcribed from RFC 7541 Appendix B. */
// prettier-ignore
export const HUFFMAN_CODE_LENGTHS: readonly number[] = [
  // 0..31: control octets
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  // ' ' ! " # $ % & ' ( ) * + , - . /
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
  // 0..9 : ; < = > ?
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  // @ A..O
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  // P..Z [ \ ] ^ _
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  // ` a..o
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
  // p..z { | } ~ DEL
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  // 128..255
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  // EOS
  30,
];

export const HUFFMAN_EOS = 256;
const MAX_BITS = 30;

/** Canonical code of each symbol, right-aligned (the RFC's "code as hex" column). */
export const HUFFMAN_CODES: readonly number[] = (() => {
  const codes = new Array<number>(257).fill(0);
  let code = 0;
  for (let len = 1; len <= MAX_BITS; len++) {
    for (let sym = 0; sym <= HUFFMAN_EOS; sym++) {
      if (HUFFMAN_CODE_LENGTHS[sym] !== len) continue;
      codes[sym] = code;
      code++;
    }
    code *= 2;
  }
  return codes;
})();

/** Per length: the first code, how many codes have that length, and where their symbols start in SYMBOLS. */
const FIRST_CODE = new Array<number>(MAX_BITS + 1).fill(0);
const COUNT = new Array<number>(MAX_BITS + 1).fill(0);
const OFFSET = new Array<number>(MAX_BITS + 1).fill(0);
/** Symbols ordered by (length, symbol): the canonical order. */
const SYMBOLS: number[] = [];
for (let len = 1; len <= MAX_BITS; len++) {
  OFFSET[len] = SYMBOLS.length;
  for (let sym = 0; sym <= HUFFMAN_EOS; sym++) {
    if (HUFFMAN_CODE_LENGTHS[sym] !== len) continue;
    if (COUNT[len] === 0) FIRST_CODE[len] = HUFFMAN_CODES[sym]!;
    COUNT[len]!++;
    SYMBOLS.push(sym);
  }
}

/** Octets the Huffman coding of `bytes` takes, padding included (§5.2). */
export function huffmanEncodedLength(bytes: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) bits += HUFFMAN_CODE_LENGTHS[bytes[i]!]!;
  return Math.ceil(bits / 8);
}

/**
 * Writes the Huffman coding of `bytes` into `out` at `at`, padded with the most significant bits of EOS (all ones),
 * and returns the offset after it. `out` must have room for huffmanEncodedLength(bytes) octets.
 */
export function huffmanEncodeInto(bytes: Uint8Array, out: Uint8Array, at: number): number {
  // acc holds fewer than 8 pending bits plus one code of at most 30: below 2^38, exact in a double.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    const sym = bytes[i]!;
    const len = HUFFMAN_CODE_LENGTHS[sym]!;
    acc = acc * 2 ** len + HUFFMAN_CODES[sym]!;
    bits += len;
    while (bits >= 8) {
      bits -= 8;
      const scale = 2 ** bits;
      const byte = Math.floor(acc / scale);
      out[at++] = byte;
      acc -= byte * scale;
    }
  }
  if (bits > 0) out[at++] = (acc << (8 - bits)) | (0xff >> bits);
  return at;
}

export function huffmanEncode(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(huffmanEncodedLength(bytes));
  huffmanEncodeInto(bytes, out, 0);
  return out;
}

/** Why a Huffman-coded string cannot be decoded (§5.2): the caller turns it into its own error. */
export type HuffmanFault = 'eos' | 'padding-too-long' | 'padding-not-eos';

/**
 * Decodes a Huffman-coded string literal. Returns the octets, or the fault: an EOS symbol in the string, padding
 * longer than 7 bits, or padding that is not the most significant bits of EOS.
 */
export function huffmanDecode(bytes: Uint8Array): Buffer | HuffmanFault {
  // Every string of n octets decodes to at most 8n/5 symbols: the shortest code is 5 bits.
  const out = Buffer.allocUnsafe(Math.floor((bytes.length * 8) / 5));
  let n = 0;
  let code = 0;
  let len = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      len++;
      const index = code - FIRST_CODE[len]!;
      if (COUNT[len]! > 0 && index >= 0 && index < COUNT[len]!) {
        const sym = SYMBOLS[OFFSET[len]! + index]!;
        if (sym === HUFFMAN_EOS) return 'eos';
        out[n++] = sym;
        code = 0;
        len = 0;
      }
      // The code is complete (every 30-bit string holds a code), so len never passes 30.
    }
  }
  if (len > 7) return 'padding-too-long';
  if (code !== 2 ** len - 1) return 'padding-not-eos';
  return out.subarray(0, n);
}
