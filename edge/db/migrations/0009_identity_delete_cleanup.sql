-- Whatever path deletes an identity (a lifecycle delete, a held delete's approval, SCIM, the
-- repository), its memberships and its SCIM resource row go with it: left behind, a later
-- identity given the same id (a rehire's employee id) inherited the groups and appeared owned
-- by the old SCIM source. Its bindings go by jit_bindings_identity_deleted (0008).
CREATE TRIGGER `identity_deleted_cleanup` AFTER DELETE ON `identities` BEGIN DELETE FROM `memberships` WHERE `user_id` = OLD.`id`; DELETE FROM `scim_resources` WHERE `resource_type` = 'User' AND `id` = OLD.`id`; END;
