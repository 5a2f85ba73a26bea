CREATE TABLE `app_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`app_id` text NOT NULL,
	`external_id` text,
	`status` text NOT NULL,
	`role` text,
	`attributes` text NOT NULL,
	`observed_at` text,
	`deactivated_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `app_accounts_user_app` ON `app_accounts` (`user_id`,`app_id`);--> statement-breakpoint
CREATE INDEX `app_accounts_app` ON `app_accounts` (`app_id`);--> statement-breakpoint
CREATE TABLE `apps` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`connector` text NOT NULL,
	`config` text NOT NULL,
	`status` text DEFAULT 'ok' NOT NULL,
	`quarantined_until` text
);
--> statement-breakpoint
CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`type` text NOT NULL,
	`subject` text,
	`data` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_prev_hash_unique` ON `audit_events` (`prev_hash`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `identities` (
	`id` text PRIMARY KEY NOT NULL,
	`login` text NOT NULL,
	`email` text,
	`status` text DEFAULT 'ACTIVE' NOT NULL,
	`profile` text NOT NULL,
	`sources` text NOT NULL,
	`password_hash` text,
	`password_changed_at` text,
	`password_history` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identities_login_unique` ON `identities` (`login`);--> statement-breakpoint
CREATE INDEX `identities_status` ON `identities` (`status`);--> statement-breakpoint
CREATE INDEX `identities_email` ON `identities` (`email`);--> statement-breakpoint
CREATE TABLE `import_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`file_name` text,
	`status` text NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`errors` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE TABLE `manual_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`action_id` text NOT NULL,
	`app_id` text NOT NULL,
	`user_id` text,
	`description` text NOT NULL,
	`owners` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`done_at` text,
	`done_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `manual_tasks_action_id_unique` ON `manual_tasks` (`action_id`);--> statement-breakpoint
CREATE INDEX `manual_tasks_status` ON `manual_tasks` (`status`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`user_id` text NOT NULL,
	`group_id` text NOT NULL,
	`source` text NOT NULL,
	PRIMARY KEY(`user_id`, `group_id`)
);
--> statement-breakpoint
CREATE INDEX `memberships_group` ON `memberships` (`group_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`type` text NOT NULL,
	`user_id` text,
	`app_id` text,
	`group_id` text,
	`payload` text NOT NULL,
	`not_before` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_run` ON `outbox` (`run_id`);--> statement-breakpoint
CREATE INDEX `outbox_user` ON `outbox` (`user_id`);--> statement-breakpoint
CREATE TABLE `rule_set_versions` (
	`version` text PRIMARY KEY NOT NULL,
	`files` text NOT NULL,
	`source` text NOT NULL,
	`created_at` text NOT NULL,
	`active` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rule_set_versions_active` ON `rule_set_versions` (`active`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`rule_set_version` text,
	`as_of` text NOT NULL,
	`summary` text NOT NULL,
	`held_reasons` text NOT NULL,
	`created_at` text NOT NULL,
	`decided_at` text,
	`decided_by` text
);
--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`token_id` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`hash` text NOT NULL,
	`source_id` text,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_hash_unique` ON `tokens` (`hash`);