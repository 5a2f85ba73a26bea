CREATE TABLE `jit_bindings` (
	`issuer` text NOT NULL,
	`subject` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`issuer`, `subject`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jit_bindings_user` ON `jit_bindings` (`user_id`);
--> statement-breakpoint
CREATE TRIGGER `jit_bindings_identity_deleted` AFTER DELETE ON `identities` BEGIN DELETE FROM `jit_bindings` WHERE `user_id` = OLD.`id`; END;
