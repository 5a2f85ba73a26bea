CREATE TABLE `run_retirements` (
	`run_id` text NOT NULL,
	`action_id` text NOT NULL,
	PRIMARY KEY(`run_id`, `action_id`)
);
