CREATE TABLE `app_group_members` (
	`app_id` text NOT NULL,
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`app_id`, `group_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `app_group_members_user` ON `app_group_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `app_groups` (
	`app_id` text NOT NULL,
	`group_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`observed_at` text NOT NULL,
	PRIMARY KEY(`app_id`, `group_id`)
);
