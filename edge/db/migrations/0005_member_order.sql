DROP INDEX `memberships_group`;--> statement-breakpoint
CREATE INDEX `memberships_group` ON `memberships` (`group_id`,`user_id`);