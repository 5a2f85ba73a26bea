// The one interface every connector implements, over plain data. A connector never touches
// the outbox: it applies one action to its app and says what happened as a value. Failures say
// whether trying again can help (`retryable`) and how long the app asked us to wait.
import type { ZodType } from 'zod';
import type { Action, Json } from '../../engine/types.ts';
import type { Db } from '../db/index.ts';

export type AccountState = 'active' | 'suspended' | 'deactivated';

/** What Roster knows of the action's account in the app, from its last delivery or import. */
export interface AccountLink {
  externalId: string | null;
  attributes: Record<string, Json>;
}

export interface ApplyInput {
  action: Action;
  link?: AccountLink;
  /** `password.set` only: the password, unsealed by the dispatcher just before delivery. */
  password?: string;
  /** Which try this is since the action was (last) queued: 1 for the first, more after a retry or a crash. */
  attempt?: number;
}

/** The account as the app now holds it (recorded as observed), or that it is gone. */
export type AccountEffect = { externalId?: string; status: AccountState; attributes?: Record<string, Json> } | { removed: true };

export interface Applied {
  ok: true;
  /** `already`: the app was in the wanted state before we asked (a re-delivery, or drift). */
  effect: 'applied' | 'already';
  account?: AccountEffect;
  note?: string;
}

export interface ConnectorFailure {
  ok: false;
  error: string;
  retryable: boolean;
  /** The app's `Retry-After`, in seconds. */
  retryAfterSeconds?: number;
  /** HTTP status, when there was one. */
  status?: number;
}

export type ApplyResult = Applied | ConnectorFailure;

/** One account as read from an app, for imports and drift. */
export interface RemoteAccount {
  externalId: string;
  /** Attributes by the names the app's matching rules use (`userName`, `email`, `externalId`…). */
  attributes: Record<string, Json>;
  active: boolean;
}

export interface RemoteGroup {
  externalId: string;
  name: string;
  /** Roster group id, when the group was pushed by Roster (its `externalId`). */
  groupId?: string;
  /** External ids of member accounts. */
  members: string[];
}

export type ReadResult = { ok: true; accounts: RemoteAccount[]; groups: RemoteGroup[]; requests: number } | ConnectorFailure;

export interface Connector {
  apply(input: ApplyInput): Promise<ApplyResult>;
  /** Reads every account and group (imports, drift); absent for apps that cannot be read. */
  read?(): Promise<ReadResult>;
}

/** Sends one email (manual tasks); nodemailer on Node, absent where no SMTP is configured. */
export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}
export type Mailer = (smtp: SmtpSettings, message: MailMessage) => Promise<void>;

export interface SmtpSettings {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  password?: string;
  from: string;
}

/** What a connector may use besides its config; every I/O capability comes in here. */
export interface ConnectorDeps {
  appId: string;
  appName: string;
  fetch: typeof fetch;
  now(): string;
  db: Db;
  mailer?: Mailer;
  /** The app file's `owners` (manual apps). */
  owners?: string[];
  newId(): string;
}

export interface ConnectorDefinition<C = unknown> {
  kind: string;
  /** Validates the app's free-form `config` (plus the dispatch settings every app may carry). */
  config: ZodType<C>;
  create(config: C, deps: ConnectorDeps): Connector;
}

export function failure(error: string, retryable: boolean, extra: { retryAfterSeconds?: number; status?: number } = {}): ConnectorFailure {
  return { ok: false, error, retryable, ...extra };
}

export function applied(account?: AccountEffect, note?: string): Applied {
  return { ok: true, effect: 'applied', ...(account ? { account } : {}), ...(note ? { note } : {}) };
}

export function already(account?: AccountEffect, note?: string): Applied {
  return { ok: true, effect: 'already', ...(account ? { account } : {}), ...(note ? { note } : {}) };
}
