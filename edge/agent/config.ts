// The agent's config file (YAML or JSON): which edge app it serves, how to reach the directory,
// and how directory attributes map to Roster attributes. The bind secret is never in the file
// itself: it comes from an environment variable or a file the config names.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { withoutUnions } from '../../engine/compile/issues.ts';
import type { PlainIssue } from '../../engine/compile/issues.ts';
import { problemOf } from '../http/issues.ts';

export const DIRECTORY_FLAVOURS = ['openldap', 'ad'] as const;
export type DirectoryFlavour = (typeof DIRECTORY_FLAVOURS)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const agentConfigSchema = z.strictObject({
  /** The edge app (kind `ldap`) whose actions this agent applies. */
  app: z.string().min(1),
  directory: z.strictObject({
    url: z.string().regex(/^ldaps?:\/\//, 'must start with ldap:// or ldaps://'),
    flavour: z.enum(DIRECTORY_FLAVOURS).default('openldap'),
    bindDN: z.string().min(1),
    /** Name of an environment variable holding the bind password. */
    secretEnv: z.string().optional(),
    /** A file holding the bind password (trailing newline ignored); relative to the config file. */
    secretFile: z.string().optional(),
    tls: z
      .strictObject({
        /** Upgrade an ldap:// connection with StartTLS. */
        startTLS: z.boolean().default(false),
        /** PEM CA bundle to trust (relative to the config file). */
        caFile: z.string().optional(),
        rejectUnauthorized: z.boolean().default(true),
      })
      .default({ startTLS: false, rejectUnauthorized: true }),
    timeoutMs: z.number().int().positive().default(10_000),
  }),
  users: z.strictObject({
    base: z.string().min(1),
    /** RDN template of a new entry, `{attr}` read from the entry's directory attributes. */
    rdn: z.string().default('cn={cn}'),
    /** OU template: `ou={ou}` puts a user under `ou=<value>,<base>`; a change of it moves the entry. */
    container: z.string().optional(),
    objectClasses: z.array(z.string()).default(['top', 'person', 'organizationalPerson', 'inetOrgPerson']),
    /** Attributes every new entry gets (AD: instanceType, objectCategory…). */
    defaults: z.record(z.string(), z.union([scalar, z.array(scalar)])).default({}),
    /** Roster attribute → directory attribute (an attribute not named keeps its name). */
    map: z.record(z.string(), z.string()).default({}),
    /** The directory attribute that finds an existing entry for a Roster user (lookup before create). */
    key: z.string().default('uid'),
    filter: z.string().default('(objectClass=inetOrgPerson)'),
    /** OpenLDAP: how a disabled account is marked (AD uses userAccountControl bit 2). */
    disable: z.strictObject({ attribute: z.string(), disabled: z.string(), enabled: z.string().optional() }).optional(),
  }),
  groups: z
    .strictObject({
      base: z.string().min(1),
      rdn: z.string().default('cn={name}'),
      objectClasses: z.array(z.string()).default(['top', 'groupOfNames']),
      memberAttribute: z.string().default('member'),
      filter: z.string().default('(objectClass=groupOfNames)'),
    })
    .optional(),
  /**
   * Imports the running agent pushes on its own: every `everySeconds` an incremental read from
   * the cursor the edge keeps (a full read when it has none), and every `fullEvery`-th a full one.
   */
  import: z.strictObject({ everySeconds: z.number().int().positive(), fullEvery: z.number().int().positive().optional() }).optional(),
  /** Seconds between reconnect attempts grow from `min` to `max`. */
  backoff: z.strictObject({ minMs: z.number().int().positive().default(250), maxMs: z.number().int().positive().default(30_000) }).default({ minMs: 250, maxMs: 30_000 }),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;

export type Loaded = { ok: true; config: AgentConfig; secret: string; ca?: string } | { ok: false; error: string };

/** Reads and validates a config file, and resolves its secret. */
export function loadAgentConfig(file: string, env: Record<string, string | undefined> = process.env): Loaded {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, error: `cannot read agent config \`${file}\`: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = agentConfigSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: `agent config \`${file}\`: ${withoutUnions(parsed.error.issues, raw).map((issue) => describeIssue(issue, raw)).join('; ')}` };
  const config = parsed.data;
  const here = dirname(resolve(file));
  const secret = resolveSecret(config, here, env);
  if (!secret.ok) return secret;
  const caFile = config.directory.tls.caFile;
  return { ok: true, config, secret: secret.value, ...(caFile ? { ca: readFileSync(resolve(here, caFile), 'utf8') } : {}) };
}

/** One problem, named by its path; an unknown key by its own path (often an unquoted DN split at its commas). */
function describeIssue(issue: PlainIssue, raw: unknown): string {
  if (issue.code !== 'unrecognized_keys') {
    const { path, message } = problemOf(issue, raw);
    return `\`${path}\` ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  }
  const dn = issue.keys.some((k) => k.includes('=')) ? ' (quote a DN inside a `{ … }` mapping: YAML reads its commas as separators)' : '';
  return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${[...issue.path, k].join('.')}\``).join(', ')}${dn}`;
}

export function resolveSecret(config: AgentConfig, here: string, env: Record<string, string | undefined>): { ok: true; value: string } | { ok: false; error: string } {
  const { secretEnv, secretFile } = config.directory;
  if (secretEnv !== undefined) {
    const value = env[secretEnv];
    return value ? { ok: true, value } : { ok: false, error: `environment variable \`${secretEnv}\` (the bind secret) is not set` };
  }
  if (secretFile !== undefined) {
    try {
      return { ok: true, value: readFileSync(resolve(here, secretFile), 'utf8').replace(/\r?\n$/, '') };
    } catch {
      return { ok: false, error: `cannot read the bind secret file \`${secretFile}\`` };
    }
  }
  return { ok: false, error: 'agent config names no bind secret (`directory.secretEnv` or `directory.secretFile`)' };
}
