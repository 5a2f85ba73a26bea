// A synthetic organisation for benchmarks: rules and users shaped like a real company's,
// generated from a seed so every run measures the same work.
import type { Condition, SourceFile, User } from '../engine/types.ts';

export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'Legal', 'Support', 'People', 'Operations', 'Product', 'Security'];
const LOCATIONS = ['Berlin', 'London', 'New York', 'San Francisco', 'Melbourne', 'Tokyo', 'Paris', 'Toronto', 'Austin', 'Dublin', 'Singapore', 'Remote'];
const TYPES = ['FTE', 'FTE', 'FTE', 'Contractor', 'Intern'];
const TITLES = ['Engineer', 'Senior Engineer', 'Staff Engineer', 'Manager', 'Senior Manager', 'Director', 'VP', 'Analyst', 'Account Executive', 'Specialist'];
const TAGS = ['oncall', 'sre', 'admin', 'finance-approver', 'mentor', 'security-champion', 'remote'];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

export function syntheticUser(random: () => number, i: number): User {
  const tags = TAGS.filter(() => random() < 0.15);
  const start = Date.UTC(2015, 0, 1) + Math.floor(random() * 12 * 365) * 86_400_000;
  return {
    id: `u${i}`,
    status: random() < 0.95 ? 'ACTIVE' : 'SUSPENDED',
    login: `user${i}`,
    department: pick(random, DEPARTMENTS),
    location: pick(random, LOCATIONS),
    employeeType: pick(random, TYPES),
    title: pick(random, TITLES),
    level: 1 + Math.floor(random() * 10),
    costCenter: `CC${100 + Math.floor(random() * 50)}`,
    tags,
    startDate: new Date(start).toISOString().slice(0, 10),
  };
}

export function syntheticUsers(count: number, seed = 42): User[] {
  const random = rng(seed);
  const users = new Array<User>(count);
  for (let i = 0; i < count; i++) users[i] = syntheticUser(random, i);
  return users;
}

/** One assignment rule's condition: two to four leaves across the attributes above. */
function syntheticCondition(random: () => number): Condition {
  const leaves: Condition[] = [{ fact: 'department', operator: 'equal', value: pick(random, DEPARTMENTS) }];
  const extras: (() => Condition)[] = [
    () => ({ fact: 'location', operator: 'in', value: LOCATIONS.filter(() => random() < 0.4) }),
    () => ({ fact: 'employeeType', operator: random() < 0.5 ? 'equal' : 'notEqual', value: pick(random, TYPES) }),
    () => ({ fact: 'title', operator: 'startsWith', value: pick(random, ['Senior', 'Staff', 'Manager', 'Director', 'Engineer']) }),
    () => ({ fact: 'title', operator: 'matches', value: pick(random, ['Engineer$', '^(Senior|Staff) ', 'Manager|Director']) }),
    () => ({ fact: 'level', operator: 'greaterThanInclusive', value: 1 + Math.floor(random() * 8) }),
    () => ({ fact: 'costCenter', operator: 'in', value: Array.from({ length: 12 }, () => `CC${100 + Math.floor(random() * 50)}`) }),
    () => ({ fact: 'tags', operator: 'contains', value: pick(random, TAGS) }),
    () => ({ fact: 'startDate', operator: 'before', value: -Math.floor(random() * 1000) }),
  ];
  const extraCount = 1 + Math.floor(random() * 3);
  for (let i = 0; i < extraCount; i++) leaves.push(pick(random, extras)());
  if (random() < 0.2) {
    const [first, ...rest] = leaves;
    return { all: [first!, { any: rest }] };
  }
  return { all: leaves };
}

export interface SyntheticRuleSet {
  files: SourceFile[];
  /** The assignment rules' conditions by rule id, for the json-rules-engine reference. */
  conditions: Map<string, Condition>;
}

/** `ruleCount` assignment rules over `appCount` apps, as JSON rule files. */
export function syntheticRules(ruleCount: number, appCount = 20, seed = 7): SyntheticRuleSet {
  const random = rng(seed);
  const files: SourceFile[] = [];
  const conditions = new Map<string, Condition>();
  for (let a = 0; a < appCount; a++) {
    files.push({ path: `apps/app-${a}.json`, text: JSON.stringify({ kind: 'app', id: `app-${a}`, connector: 'scim', roles: ['user', 'admin'] }) });
  }
  for (let r = 0; r < ruleCount; r++) {
    const id = `rule-${r}`;
    const when = syntheticCondition(random);
    conditions.set(id, when);
    const assignment = { kind: 'assignment', id, priority: Math.floor(random() * 5) * 10, when, assign: [{ app: `app-${r % appCount}`, role: (r % appCount) % 3 === 0 ? 'admin' : 'user' }] };
    files.push({ path: `assignments/${id}.json`, text: JSON.stringify(assignment) });
  }
  return { files, conditions };
}
