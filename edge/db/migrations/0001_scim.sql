CREATE TABLE `scim_resources` (
	`resource_type` text NOT NULL,
	`id` text NOT NULL,
	`source` text NOT NULL,
	`external_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`resource_type`, `id`)
);
--> statement-breakpoint
CREATE INDEX `scim_resources_external` ON `scim_resources` (`resource_type`,`external_id`);--> statement-breakpoint
CREATE INDEX `scim_resources_source` ON `scim_resources` (`source`,`resource_type`);--> statement-breakpoint
CREATE INDEX `identities_login_nocase` ON `identities` ("login" COLLATE NOCASE);