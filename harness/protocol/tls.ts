/**
 * TLS 1.3 on the wire (RFC 8446): the record model the runs are held against, a record-header parser for tests and
 * probes, and the throw-away certificate a `--tls` run is served with.
 *
 * Model. Once the handshake is done every record is `TLSCiphertext` (§5.2): a 5-byte header (type 23, legacy version
 * 0x0303, length), the encrypted `TLSInnerPlaintext` — the data, one content-type byte and no padding (OpenSSL adds
 * none) — and the AEAD tag, 16 bytes for every suite a browser or Node negotiates (AES-128-GCM, AES-256-GCM,
 * ChaCha20-Poly1305). So a write of n plaintext bytes costs n + 22 bytes per record, and a record holds at most
 * 2^14 bytes (§5.1). Node makes one record per write (or per corked group of writes) of up to 2^14 bytes: each
 * transport's model already counts one addition per write on the wire, which is where records are counted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from '../errors.js';

/** TLSCiphertext header: opaque_type, legacy_record_version, length (RFC 8446 §5.2). */
export const TLS_RECORD_HEADER_BYTES = 5;
/** The inner content type that ends every TLSInnerPlaintext (§5.2). */
export const TLS_INNER_TYPE_BYTES = 1;
/** The AEAD tag of AES-GCM and ChaCha20-Poly1305 (RFC 5116 §5.1, RFC 8439 §2.8). */
export const TLS_AEAD_TAG_BYTES = 16;
/** Bytes a TLS 1.3 application-data record adds to its plaintext: 5 + 1 + 16. */
export const TLS13_RECORD_OVERHEAD_BYTES = TLS_RECORD_HEADER_BYTES + TLS_INNER_TYPE_BYTES + TLS_AEAD_TAG_BYTES;
/** The most plaintext one record carries (§5.1). */
export const TLS_MAX_PLAINTEXT_BYTES = 16_384;

/** Records one write of `plaintextBytes` becomes. */
export function tlsRecords(plaintextBytes: number): number {
  return Math.max(1, Math.ceil(plaintextBytes / TLS_MAX_PLAINTEXT_BYTES));
}

/** Ciphertext bytes of one write of `plaintextBytes` as TLS 1.3 application data. */
export function tlsCiphertextBytes(plaintextBytes: number): number {
  return plaintextBytes + tlsRecords(plaintextBytes) * TLS13_RECORD_OVERHEAD_BYTES;
}

export const TLS_CONTENT_TYPES: Record<number, string> = { 20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data' };

export interface TlsRecordHeader {
  type: number;
  version: number;
  /** Length of the record's fragment (after the 5-byte header). */
  length: number;
}

/**
 * Splits a ciphertext stream into records by their headers. Feed it every byte of one direction in order; it keeps
 * a partial header or fragment across pushes.
 */
export class TlsRecordReader {
  readonly records: TlsRecordHeader[] = [];
  bytes = 0;
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let i = 0;
    while (buf.length - i >= TLS_RECORD_HEADER_BYTES) {
      const length = buf.readUInt16BE(i + 3);
      if (buf.length - i < TLS_RECORD_HEADER_BYTES + length) break;
      this.records.push({ type: buf[i]!, version: buf.readUInt16BE(i + 1), length });
      i += TLS_RECORD_HEADER_BYTES + length;
    }
    buf = buf.subarray(i);
    this.pending = Buffer.from(buf);
  }
}

/** PEM certificate and private key of one run; the key lives in memory only (never written where it is kept). */
export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * A self-signed P-256 certificate for localhost and 127.0.0.1, valid one day, made by openssl in a temporary
 * directory that is removed before this returns. ECDSA P-256 is what a browser-facing server typically serves today.
 */
export function generateCertificate(): TlsMaterial {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-tls-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
      { encoding: 'utf8' },
    );
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new EnvironmentError('--tls needs openssl to make a throw-away certificate and it is not installed: apt-get install -y openssl');
    }
    if (r.status !== 0) throw new EnvironmentError(`openssl could not make a certificate for --tls: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`);
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The host name the certificate is made for; clients send it as SNI and check the certificate against it. */
export const TLS_SERVER_NAME = 'localhost';
