CREATE TABLE `app_import_items` (
	`id` text PRIMARY KEY NOT NULL,
	`import_id` text NOT NULL,
	`app_id` text NOT NULL,
	`external_id` text NOT NULL,
	`situation` text NOT NULL,
	`candidates` text NOT NULL,
	`matched_by` text,
	`user_id` text,
	`account` text NOT NULL,
	`decision` text NOT NULL,
	`decided_at` text,
	`decided_by` text
);
--> statement-breakpoint
CREATE INDEX `app_import_items_import` ON `app_import_items` (`import_id`,`situation`);--> statement-breakpoint
CREATE INDEX `app_import_items_pending` ON `app_import_items` (`app_id`,`decision`);--> statement-breakpoint
CREATE TABLE `drift_findings` (
	`id` text PRIMARY KEY NOT NULL,
	`check_id` text NOT NULL,
	`app_id` text NOT NULL,
	`kind` text NOT NULL,
	`user_id` text,
	`group_id` text,
	`detail` text NOT NULL,
	`found_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `drift_findings_app` ON `drift_findings` (`app_id`,`check_id`);