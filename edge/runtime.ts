// What differs by runtime (Node, Workers), typed once. Entries build a Runtime and hand it to
// `createApp`; routes and services read everything they need from it, never from globals.
import type { SourceFile } from '../engine/types.ts';
import type { Db } from './db/index.ts';
import { generateSealKey, hashPasswordScrypt, verifyPasswordScrypt } from './services/passwords.ts';
import type { ScryptCost } from './services/passwords.ts';

/** A structured log line. Never put a token, password, hash or sealed value in one. */
export interface LogEvent {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

export interface Runtime {
  db: Db;
  /** ISO-8601 instant: the edge's clock (the engine never reads one). */
  now(): string;
  /** A new unique id (runs, identities without one, tasks). */
  newId(): string;
  /** Where `POST /v1/rule-sets/load` reads rule files from (`rules/` on Node); absent on Workers without a bundle. */
  rules: { load(): Promise<SourceFile[]> } | undefined;
  /** AES-GCM key sealing the passwords in `password.set` payloads (the dispatcher unseals). */
  sealKey: CryptoKey;
  /** PHC-style scrypt string (`$scrypt$ln=…,r=…,p=…$salt$hash`). */
  hashPassword(password: string): Promise<string>;
  verifyPassword(password: string, hash: string): Promise<boolean>;
  log(event: LogEvent): void;
  /** Hands work to a queue (Workers Queues); absent where work is polled from the outbox. */
  enqueue?(queue: string, message: unknown): Promise<void>;
}

export interface RuntimeOptions extends Partial<Omit<Runtime, 'db'>> {
  db: Db;
  /** scrypt work factor for the default hasher (tests lower it; production keeps the default). */
  scryptCost?: ScryptCost;
}

/**
 * A Runtime with portable defaults (Web Crypto, the system clock, console JSON logs). The
 * default seal key is random per process: entries that run a dispatcher must pass a stable one.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { scryptCost, ...given } = options;
  return {
    now: () => new Date().toISOString(),
    newId: () => crypto.randomUUID(),
    rules: undefined,
    hashPassword: (password) => hashPasswordScrypt(password, scryptCost),
    verifyPassword: verifyPasswordScrypt,
    log: (event) => console.log(JSON.stringify(event)),
    ...given,
    sealKey: given.sealKey ?? (await generateSealKey()),
  };
}
