CREATE TABLE `agent_cursors` (
	`app_id` text PRIMARY KEY NOT NULL,
	`cursor` text NOT NULL,
	`import_id` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `delegated_logins` (
	`id` text PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`username` text NOT NULL,
	`sealed_password` text,
	`status` text NOT NULL,
	`answer` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `delegated_logins_app` ON `delegated_logins` (`app_id`,`status`);--> statement-breakpoint
CREATE TABLE `run_status_changes` (
	`run_id` text NOT NULL,
	`user_id` text NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	PRIMARY KEY(`run_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `run_status_changes_user` ON `run_status_changes` (`user_id`);