// When a planned action whose id is already in the outbox is queued again. The id says what an
// action does, never when (engine/ids.ts), so the same id comes back whenever the same change is
// needed again: a second suspension after an unsuspend, a rehire's account after a delete, a
// user added back to a group. The row it meets is queued again when it can no longer stand for
// this need:
// - it was left `dead` or `cancelled`;
// - it is `done` and a later action on the same target (the user's account in that app, or for
//   an app-level action with no user, that group in that app) was done after it: its effect was
//   undone or changed since, and the plan, reading the state as it is now, wants it again.
// A `done` action with nothing done after it on its target still stands, so a plan that
// re-proposes it (a manual task the admin has not done yet: its account is recorded only then)
// queues nothing.
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';

// Two branches, so each lookup of a later action goes through the `outbox_user` index (an
// equality on user_id, or user_id IS NULL; named, as the planner took the status index for the
// latter) instead of scanning every done action.
const later = (sameTarget: string) =>
  `EXISTS (SELECT 1 FROM "outbox" AS "later" INDEXED BY "outbox_user" WHERE ${sameTarget} AND "later"."app_id" IS "outbox"."app_id" AND "later"."status" = 'done' AND "later"."updated_at" > "outbox"."updated_at")`;

/** True for the `outbox` row in scope that a new plan of the same action id queues again. */
export const requeueable: SQL = sql.raw(
  `("outbox"."status" IN ('dead', 'cancelled') OR ("outbox"."status" = 'done' AND (` +
    `("outbox"."user_id" IS NOT NULL AND ${later(`"later"."user_id" = "outbox"."user_id"`)}) OR ` +
    `("outbox"."user_id" IS NULL AND ${later(`"later"."user_id" IS NULL AND "later"."group_id" IS "outbox"."group_id"`)}))))`,
);
