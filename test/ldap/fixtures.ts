// Agent configs and actions for the LDAP suites.
import type { Action, Json } from '../../engine/types.ts';
import type { AgentConfig } from '../../edge/agent/config.ts';
import { agentConfigSchema } from '../../edge/agent/config.ts';
import { BASE, ROOT_DN } from './slapd.ts';

export function openldapConfig(url: string, extra: Partial<Record<keyof AgentConfig, unknown>> = {}): AgentConfig {
  return agentConfigSchema.parse({
    app: 'corp-ldap',
    directory: { url, bindDN: ROOT_DN, secretEnv: 'LDAP_SECRET', timeoutMs: 2000 },
    users: {
      base: `ou=people,${BASE}`,
      rdn: 'cn={cn}',
      container: 'ou={ou}',
      key: 'uid',
      disable: { attribute: 'employeeType', disabled: 'disabled' },
    },
    groups: { base: `ou=groups,${BASE}` },
    backoff: { minMs: 50, maxMs: 500 },
    ...extra,
  });
}

export function adConfig(url: string): AgentConfig {
  return agentConfigSchema.parse({
    app: 'corp-ad',
    directory: { url, flavour: 'ad', bindDN: ROOT_DN, secretEnv: 'LDAP_SECRET', timeoutMs: 2000 },
    users: {
      base: `ou=people,${BASE}`,
      rdn: 'cn={cn}',
      objectClasses: ['top', 'person', 'organizationalPerson', 'user'],
      defaults: { instanceType: 4, objectCategory: `cn=Person,cn=Schema,cn=Configuration,${BASE}`, nTSecurityDescriptor: 'x' },
      map: { login: 'userPrincipalName', email: 'mail' },
      key: 'mail', // msuser.schema gives sAMAccountName/userPrincipalName no EQUALITY rule; a real AD would use sAMAccountName
      filter: '(objectClass=user)',
    },
  });
}

let n = 0;
export function action(type: Action['type'], fields: Partial<Action> & { attributes?: Record<string, Json> } = {}): Action {
  n += 1;
  return { id: `act-${n}-${type}`, type, userId: 'u1', appId: 'corp-ldap', reason: { summary: 'test', rules: [], version: 'test', matched: [] }, ...fields } as Action;
}

export const ann = { uid: 'ann', cn: 'Ann Lee', sn: 'Lee', givenName: 'Ann', mail: 'ann@example.com', ou: 'Engineering', employeeType: 'FTE' };
