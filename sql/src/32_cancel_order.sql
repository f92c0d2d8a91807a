-- Manual action (SPEC §4): cancel_order, in C++ beside assign_facility (extension/pg/
-- cancel_order.cpp): the whole order, or [{"lineId", "quantity"}]; the `lines` argument is
-- parsed and checked as assign_facility's is (extension/core/line_selection.cpp).
-- tenant_id NULL: the order's tenant; a tenant given that does not hold it: P0002 (SPEC §7).
CREATE FUNCTION cancel_order(order_id uuid, lines jsonb DEFAULT NULL) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_cancel_order' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION cancel_order(order_id uuid, lines jsonb, tenant_id text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_cancel_order' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
