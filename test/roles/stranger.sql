-- As a login that holds no waitroom role: nothing of waitroom is reachable.
BEGIN;
SELECT plan(6);
SELECT throws_ok($$SELECT waitroom.place_order('{}')$$, '42501', NULL, 'stranger cannot place orders');
SELECT throws_ok($$SELECT * FROM waitroom.waiting_room$$, '42501', NULL, 'stranger cannot read the waiting room');
SELECT throws_ok($$SELECT * FROM waitroom.stock FOR SHARE$$, '42501', NULL, 'stranger cannot lock stock rows');
SELECT throws_ok($$LOCK TABLE waitroom.stock IN SHARE MODE$$, '42501', NULL, 'stranger cannot lock the stock table');
SELECT throws_ok($$SELECT waitroom.release_due()$$, '42501', NULL, 'stranger cannot release pre-orders');
SELECT throws_ok($$SELECT * FROM waitroom.claim_deliveries(true, NULL)$$, '42501', NULL, 'stranger cannot claim deliveries');
SELECT * FROM finish();
ROLLBACK;
