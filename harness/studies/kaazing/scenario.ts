/**
 * The study as data: scenarios/studies/kaazing.json, read and checked before anything starts. A study is not a run
 * scenario (`pushbench run` refuses it with a hint): besides the run options it shares with every run (transports,
 * rate, payload, duration) it carries the use cases, the header profiles, the latency set-up and the article's own
 * figures, which the report prints beside the measured ones.
 */
import path from 'node:path';
import { readJsonFile } from '../../data-files.js';
import { UsageError } from '../../errors.js';
import { packageRoot, studiesDir } from '../../paths.js';
import { MAX_PAYLOAD_BYTES, MIN_PAYLOAD_BYTES } from '../../protocol/feed.js';
import { loadProfile } from '../../protocol/profiles.js';
import { DEFAULTS } from '../../run/scenario.js';
import { TRANSPORT_NAMES, type RunOptions, type TransportName } from '../../../results/types.js';
import type { ArticleFigures } from '../../../reports/kaazing.js';

/** One use case of the article: how many clients poll or hold a socket. */
export interface UseCase {
  useCase: string;
  clients: number;
}

/** The 3:1 latency claim's set-up: a few clients through the delay proxy, and the exchange probe's sample count. */
export interface LatencySetup {
  delayMs: number;
  jitterMs: number;
  clients: number;
  durationS: number;
  rate: number;
  intervalMs: number;
  /** Profile of the keep-alive modes; `closeProfile` asks for a new connection per poll. */
  profile: string;
  closeProfile: string;
  exchangeSamples: number;
}

/** The study as scenarios/studies/kaazing.json describes it. */
export interface KaazingScenario {
  transports: TransportName[];
  rate: number;
  payloadBytes: number;
  durationS: number;
  profiles: string[];
  useCases: UseCase[];
  intervalMs: number;
  latency: LatencySetup;
  article: ArticleFigures;
}

export const KAAZING_SCENARIO_FILE = path.join(studiesDir, 'kaazing.json');

type Obj = Record<string, unknown>;

/** Checks one study file; every failure is one line naming the key and what it must be. */
class Checker {
  constructor(private readonly where: string) {}

  fail(key: string, what: string, got: unknown): never {
    throw new UsageError(`${this.where}: ${key} must be ${what}, got ${JSON.stringify(got)}`);
  }

  object(key: string, v: unknown): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, 'an object', v);
    return v as Obj;
  }

  /** Refuses keys the study does not read, so a typo cannot go unnoticed. */
  only(key: string, o: Obj, known: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (k.startsWith('$') || known.includes(k)) continue;
      throw new UsageError(`${this.where}: unknown key "${key ? `${key}.` : ''}${k}"; known keys: ${known.join(', ')}`);
    }
  }

  number(key: string, v: unknown, min: number, exclusiveMin = false): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || (exclusiveMin ? v <= min : v < min)) this.fail(key, `a number ${exclusiveMin ? 'above' : 'of at least'} ${min}`, v);
    return v;
  }

  int(key: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(key, `a whole number from ${min} to ${max}`, v);
    return v;
  }

  string(key: string, v: unknown): string {
    if (typeof v !== 'string' || v === '') this.fail(key, 'a non-empty string', v);
    return v;
  }

  profile(key: string, v: unknown): string {
    const name = this.string(key, v);
    try {
      loadProfile(name);
    } catch (e) {
      throw new UsageError(`${this.where}: ${key}: ${(e as Error).message}`);
    }
    return name;
  }

  list<T>(key: string, v: unknown, each: (item: unknown, key: string) => T): T[] {
    if (!Array.isArray(v) || v.length === 0) this.fail(key, 'a non-empty array', v);
    return (v as unknown[]).map((item, i) => each(item, `${key}[${i}]`));
  }
}

/** Checks a parsed study; throws a UsageError naming the first thing wrong. */
export function parseKaazingScenario(raw: unknown, where: string): KaazingScenario {
  const c = new Checker(where);
  const top = c.object('the study', raw);
  c.only('', top, ['name', 'description', 'transports', 'rate', 'payloadBytes', 'durationS', 'kaazing']);
  const k = c.object('kaazing', top.kaazing);
  c.only('kaazing', k, ['profiles', 'useCases', 'intervalMs', 'latency', 'article']);
  const l = c.object('kaazing.latency', k.latency);
  const latencyKeys: ReadonlyArray<keyof LatencySetup> = ['delayMs', 'jitterMs', 'clients', 'durationS', 'rate', 'intervalMs', 'profile', 'closeProfile', 'exchangeSamples'];
  c.only('kaazing.latency', l, latencyKeys);
  const article = c.object('kaazing.article', k.article);
  c.list('kaazing.article.useCases', article.useCases, (u, key) => c.object(key, u));
  c.object('kaazing.article.latencyClaim', article.latencyClaim);
  return {
    transports: c.list('transports', top.transports, (t, key) => {
      if (!(TRANSPORT_NAMES as readonly unknown[]).includes(t)) c.fail(key, `one of ${TRANSPORT_NAMES.join(', ')}`, t);
      return t as TransportName;
    }),
    rate: c.number('rate', top.rate, 0, true),
    payloadBytes: c.int('payloadBytes', top.payloadBytes, MIN_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES),
    durationS: c.number('durationS', top.durationS, 0, true),
    profiles: c.list('kaazing.profiles', k.profiles, (p, key) => c.profile(key, p)),
    useCases: c.list('kaazing.useCases', k.useCases, (u, key) => {
      const o = c.object(key, u);
      c.only(key, o, ['useCase', 'clients']);
      return { useCase: c.string(`${key}.useCase`, o.useCase), clients: c.int(`${key}.clients`, o.clients, 1) };
    }),
    intervalMs: c.int('kaazing.intervalMs', k.intervalMs, 10),
    latency: {
      delayMs: c.number('kaazing.latency.delayMs', l.delayMs, 0),
      jitterMs: c.number('kaazing.latency.jitterMs', l.jitterMs, 0),
      clients: c.int('kaazing.latency.clients', l.clients, 1),
      durationS: c.number('kaazing.latency.durationS', l.durationS, 0, true),
      rate: c.number('kaazing.latency.rate', l.rate, 0, true),
      intervalMs: c.int('kaazing.latency.intervalMs', l.intervalMs, 10),
      profile: c.profile('kaazing.latency.profile', l.profile),
      closeProfile: c.profile('kaazing.latency.closeProfile', l.closeProfile),
      exchangeSamples: c.int('kaazing.latency.exchangeSamples', l.exchangeSamples, 1),
    },
    article: article as unknown as ArticleFigures,
  };
}

export function loadKaazingScenario(file = KAAZING_SCENARIO_FILE): KaazingScenario {
  const cannot = (e: Error): string => `cannot read ${file}: ${e.message.split('\n')[0]}`;
  const raw = readJsonFile(file, { unreadable: cannot, invalid: cannot });
  const relative = path.relative(packageRoot, file);
  return parseKaazingScenario(raw, relative.startsWith('..') ? file : relative);
}

/** Options of one of the study's runs: the defaults, the study's shared options, then what this run sets. */
export function studyRunOptions(scenario: KaazingScenario, o: Partial<RunOptions>): RunOptions {
  return {
    ...DEFAULTS,
    scenario: 'kaazing',
    transports: scenario.transports,
    rate: scenario.rate,
    payloadBytes: scenario.payloadBytes,
    durationS: scenario.durationS,
    intervalMs: scenario.intervalMs,
    ...o,
  };
}
