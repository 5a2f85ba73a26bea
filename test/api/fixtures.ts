// Rule files and users the API cases share.
import type { SourceFile } from '../../engine/types.ts';

export const RULES: SourceFile[] = [
  {
    path: 'settings.yaml',
    text: `kind: settings
id: test
attributes: { department: string, firstName: string, lastName: string, email: string }
deprovision: { onUnassign: deactivate }
safety:
  - { actions: [account.deactivate], max: 2 }
`,
  },
  {
    path: 'apps.yaml',
    text: `kind: app
id: github
connector: scim
roles: [developer]
passwordSync: true
attributes:
  email: { expr: 'user.email' }
---
kind: app
id: wiki
connector: scim
`,
  },
  {
    path: 'assignments.yaml',
    text: `kind: assignment
id: eng-github
when: { all: [ { fact: department, operator: equal, value: Engineering } ] }
assign: [ { app: github, role: developer } ]
---
kind: assignment
id: everyone-wiki
when: { all: [ { fact: department, operator: exists, value: true } ] }
assign: [ { app: wiki } ]
`,
  },
  {
    path: 'passwords.yaml',
    text: `kind: password-policy
id: strong
minLength: 12
require: { digit: true, symbol: true }
excludeUsernameParts: true
historyCount: 2
`,
  },
];

export const BROKEN_RULES: SourceFile[] = [
  { path: 'broken.yaml', text: `kind: assignment\nid: bad\nwhen: { all: [ { fact: department, operator: nope, value: 1 } ] }\nassign: [ { app: missing } ]\n` },
];

export const engineer = (n: number) => ({ id: `u${n}`, login: `eng${n}`, email: `eng${n}@example.com`, profile: { department: 'Engineering', firstName: `First${n}`, lastName: `Last${n}`, email: `eng${n}@example.com` } });
export const salesperson = (n: number) => ({ id: `s${n}`, login: `sales${n}`, email: `sales${n}@example.com`, profile: { department: 'Sales', firstName: `Sam${n}`, lastName: `Seller${n}`, email: `sales${n}@example.com` } });
