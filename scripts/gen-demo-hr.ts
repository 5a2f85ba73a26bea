// Generates the demo HR feed `npm start` imports on its first start: about 500 Acme workers
// shaped for the demo rules in rules/ (departments, cost centres, titles, the three offices,
// time zones, contractors and interns, future hires and leavers). Deterministic: the same
// seed writes the same file, which is committed. Run: npx tsx scripts/gen-demo-hr.ts
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { rng } from '../bench/synthetic.ts';

interface Department {
  name: string;
  costCenters: string[];
  titles: [title: string, level: number, weight: number][];
  manager: string;
  share: number;
}

const DEPARTMENTS: Department[] = [
  { name: 'Engineering', costCenters: ['CC-4100', 'CC-4200', 'CC-4300'], share: 30, manager: 'Engineering Manager', titles: [['Software Engineer', 3, 10], ['Senior Software Engineer', 5, 8], ['Staff Software Engineer', 7, 2], ['Site Reliability Engineer', 4, 3], ['Senior Site Reliability Engineer', 6, 2], ['Data Engineer', 4, 3]] },
  { name: 'Product', costCenters: ['CC-3200'], share: 6, manager: 'Head of Product', titles: [['Product Manager', 5, 4], ['Senior Product Manager', 6, 2]] },
  { name: 'Design', costCenters: ['CC-3100'], share: 5, manager: 'Design Manager', titles: [['Product Designer', 4, 4], ['Senior Product Designer', 5, 2], ['UX Researcher', 4, 1]] },
  { name: 'Sales', costCenters: ['CC-5100'], share: 16, manager: 'Sales Manager', titles: [['Account Executive', 4, 6], ['Sales Engineer', 4, 3], ['Sales Development Representative', 2, 4], ['Sales Operations Analyst', 3, 1]] },
  { name: 'Customer Success', costCenters: ['CC-5200'], share: 10, manager: 'Customer Success Manager', titles: [['Customer Success Associate', 3, 4], ['Support Engineer', 3, 3], ['Solutions Consultant', 5, 1]] },
  { name: 'Marketing', costCenters: ['CC-6100'], share: 8, manager: 'Marketing Director', titles: [['Marketing Specialist', 3, 3], ['Content Writer', 3, 2], ['Growth Analyst', 4, 2]] },
  { name: 'Finance', costCenters: ['CC-7100', 'CC-7200'], share: 8, manager: 'Finance Manager', titles: [['Accountant', 3, 3], ['Financial Analyst', 4, 3], ['Payroll Specialist', 3, 1]] },
  { name: 'People', costCenters: ['CC-8100'], share: 6, manager: 'Head of People', titles: [['HR Business Partner', 5, 2], ['Recruiter', 3, 3], ['People Operations Specialist', 3, 1]] },
  { name: 'Legal', costCenters: ['CC-8200'], share: 3, manager: 'General Counsel', titles: [['Legal Counsel', 6, 2], ['Paralegal', 3, 1]] },
  { name: 'Facilities', costCenters: ['CC-8300'], share: 3, manager: 'Facilities Manager', titles: [['Office Coordinator', 2, 2], ['Workplace Specialist', 3, 1]] },
];

const PLACES: [location: string, city: string, country: string, timeZone: string, weight: number][] = [
  ['Berlin', 'Berlin', 'DE', 'Europe/Berlin', 28],
  ['London', 'London', 'GB', 'Europe/London', 24],
  ['New York', 'New York', 'US', 'America/New_York', 26],
  ['Remote', 'Austin', 'US', 'America/Chicago', 5],
  ['Remote', 'Denver', 'US', 'America/Denver', 3],
  ['Remote', 'Seattle', 'US', 'America/Los_Angeles', 4],
  ['Remote', 'Paris', 'FR', 'Europe/Paris', 3],
  ['Remote', 'Amsterdam', 'NL', 'Europe/Amsterdam', 3],
  ['Remote', 'Dublin', 'IE', 'Europe/Dublin', 2],
  ['Remote', 'Madrid', 'ES', 'Europe/Madrid', 2],
];

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'Radia', 'Tim', 'Katherine', 'John', 'Hedy', 'Sophie', 'Noah', 'Emma', 'Liam', 'Mia', 'Lukas', 'Hannah', 'Oliver', 'Amelia', 'Mateo', 'Chloe', 'Yusuf', 'Priya', 'Arjun', 'Mei', 'Kenji', 'Aiko', 'Carlos', 'Lucia', 'Omar', 'Fatima', 'Jonas', 'Lea', 'Finn', 'Clara', 'Ravi', 'Anika', 'Diego', 'Sofia', 'Tomasz', 'Agnieszka', 'Niamh', 'Cian', 'Elif', 'Can'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Berg', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Dijkstra', 'Perlman', 'Lee', 'Johnson', 'Backus', 'Lamarr', 'Schmidt', 'Müller', 'Smith', 'Jones', 'Garcia', 'Martin', 'Dubois', 'Rossi', 'Kowalski', 'Novak', 'Murphy', 'Kelly', 'Patel', 'Singh', 'Chen', 'Wang', 'Tanaka', 'Sato', 'Okafor', 'Mensah', 'Silva', 'Santos', 'Yilmaz', 'Demir', 'Nielsen', 'Jansen', 'de Vries', 'Fischer', 'Weber', 'Wagner', 'Brown', 'Taylor', 'Wilson', 'Evans', 'Walsh'];

function weighted<T>(random: () => number, items: readonly T[], weight: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let r = random() * total;
  for (const item of items) if ((r -= weight(item)) < 0) return item;
  return items[items.length - 1] as T;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ascii = (name: string) => name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ü/g, 'u').replace(/[^A-Za-z]/g, '').toLowerCase();

export function demoWorkers(count = 500, seed = 2025): string[][] {
  const random = rng(seed);
  const rows: string[][] = [];
  const emails = new Set<string>();
  const managers = new Map<string, string>();
  const ceo = 'e1000';
  rows.push([ceo, 'Rosa', 'Parks', 'rosa.parks@acme.example', 'People', 'Chief Executive Officer', 'New York', 'FTE', 'CC-8000', '9', '', '2014-03-03', '', 'America/New_York', 'New York', 'US']);
  emails.add('rosa.parks@acme.example');
  for (let i = 1; i < count; i++) {
    const id = `e${1000 + i}`;
    const dept = weighted(random, DEPARTMENTS, (d) => d.share);
    const isManager = !managers.has(dept.name) || random() < 0.06;
    const [title, level] = isManager ? [dept.manager, 7] : (() => {
      const [t, l] = weighted(random, dept.titles, (t) => t[2]);
      return [t, l] as const;
    })();
    const type = isManager ? 'FTE' : weighted(random, [['FTE', 80], ['Contractor', 12], ['Intern', 8]] as const, (t) => t[1])[0];
    const [location, city, country, timeZone] = weighted(random, PLACES, (p) => p[4]);
    const first = FIRST[Math.floor(random() * FIRST.length)] as string;
    const last = LAST[Math.floor(random() * LAST.length)] as string;
    let email = `${ascii(first)}.${ascii(last)}@acme.example`;
    for (let n = 2; emails.has(email); n++) email = `${ascii(first)}.${ascii(last)}${n}@acme.example`;
    emails.add(email);
    // Start dates from 2015 to mid-2026 (a few future hires); about 4% leave, some of them later.
    const start = Date.UTC(2015, 0, 5) + Math.floor(random() * 4200) * 86_400_000;
    const leaves = random() < 0.04 ? day(Math.max(start + 90 * 86_400_000, Date.UTC(2025, 0, 1) + Math.floor(random() * 540) * 86_400_000)) : '';
    const manager = managers.get(dept.name) ?? ceo;
    if (isManager && !managers.has(dept.name)) managers.set(dept.name, id);
    const costCenter = dept.costCenters[Math.floor(random() * dept.costCenters.length)] as string;
    rows.push([id, first, last, email, dept.name, title, location, type === 'Intern' ? 'Intern' : type, costCenter, String(type === 'Intern' ? 1 : level + (random() < 0.3 ? 1 : 0)), manager, day(start), leaves, timeZone, city, country]);
  }
  return rows;
}

export const HEADER = ['id', 'firstName', 'lastName', 'email', 'department', 'title', 'location', 'employeeType', 'costCenter', 'level', 'managerId', 'startDate', 'terminationDate', 'timeZone', 'address.city', 'address.country'];

export function toCsv(rows: string[][]): string {
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = resolve(import.meta.dirname, '../examples/hr/workers.csv');
  writeFileSync(out, toCsv(demoWorkers()));
  console.log(`wrote ${out}`);
}
