// Inputs for the diff benchmark: a new version of the synthetic rules that edits a few of them
// the way a pull request would, and the observed state of an organisation in sync with a plan.
import type { DesiredUser, ObservedState, SourceFile } from '../engine/types.ts';

interface SyntheticAssignment {
  kind: 'assignment';
  id: string;
  priority: number;
  when: unknown;
  assign: { app: string; role: string }[];
}

const roleFor = (app: number): string => (app % 3 === 0 ? 'admin' : 'user');

/** A copy of `files` with five edits: a condition narrowed, one widened, one rule moved to another app, one removed, one added. */
export function editedRules(files: readonly SourceFile[]): { files: SourceFile[]; edits: string[] } {
  const edits: string[] = [];
  const out: SourceFile[] = [];
  const edit = (id: string, change: (rule: SyntheticAssignment) => SyntheticAssignment | undefined, words: string): void => {
    const at = out.findIndex((f) => f.path === `assignments/${id}.json`);
    if (at === -1) return;
    const changed = change(JSON.parse((out[at] as SourceFile).text) as SyntheticAssignment);
    if (changed) out[at] = { path: (out[at] as SourceFile).path, text: JSON.stringify(changed) };
    else out.splice(at, 1);
    edits.push(`${id} ${words}`);
  };
  out.push(...files);
  edit('rule-5', (r) => ({ ...r, when: { all: [r.when, { fact: 'level', operator: 'greaterThanInclusive', value: 6 }] } }), 'narrowed to level 6 and above');
  edit('rule-42', (r) => ({ ...r, when: { all: [{ fact: 'department', operator: 'equal', value: 'Sales' }] } }), 'widened to all of Sales');
  edit('rule-99', (r) => ({ ...r, assign: [{ app: 'app-18', role: roleFor(18) }] }), 'moved to app-18');
  edit('rule-17', () => undefined, 'removed');
  const added: SyntheticAssignment = {
    kind: 'assignment',
    id: 'rule-security-berlin',
    priority: 10,
    when: { all: [{ fact: 'department', operator: 'equal', value: 'Security' }, { fact: 'location', operator: 'in', value: ['Berlin', 'London'] }] },
    assign: [{ app: 'app-7', role: roleFor(7) }],
  };
  out.push({ path: 'assignments/rule-security-berlin.json', text: JSON.stringify(added) });
  edits.push('rule-security-berlin added');
  return { files: out, edits };
}

/** What the apps hold when everything the desired state asks for has been done. */
export function observedFrom(desired: readonly DesiredUser[]): ObservedState {
  const observed: ObservedState = { accounts: [], memberships: [] };
  for (const user of desired) {
    if (user.status !== 'ACTIVE') continue;
    for (const account of user.accounts) {
      observed.accounts.push({ userId: user.userId, appId: account.appId, status: 'active', ...(account.role === undefined ? {} : { role: account.role }), attributes: account.attributes });
    }
    for (const group of user.groups) observed.memberships.push({ userId: user.userId, groupId: group.groupId });
  }
  return observed;
}
