-- waitroomd metrics (issue 12): the grants of 95_privileges.sql's "waitroomd metrics" block.
-- New functions are executable by PUBLIC until revoked (the install script revokes all at once).
REVOKE EXECUTE ON FUNCTION waitroom.waiting_lines_by_reason(), waitroom.event_ages(bigint[])
    FROM PUBLIC;
ALTER FUNCTION waitroom.waiting_lines_by_reason() SECURITY DEFINER;
ALTER FUNCTION waitroom.event_ages(bigint[]) SECURITY DEFINER;
GRANT EXECUTE ON FUNCTION waitroom.waiting_lines_by_reason(), waitroom.event_ages(bigint[])
    TO waitroom_daemon;
GRANT SELECT ON waitroom.stats TO waitroom_daemon;
GRANT SELECT (subscription_id, active) ON waitroom.subscription TO waitroom_daemon;
GRANT SELECT (status) ON waitroom.routing_plan TO waitroom_daemon;
