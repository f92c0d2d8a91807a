-- The mid-flow state of suite 52 (test/dump/midflow.sql) as waitroom 0.2.0 made it: a data-only
-- pg_dump of a database where CREATE EXTENSION waitroom VERSION '0.2.0' ran with the 0.2.0
-- module (git 02f07ee) and then test/dump/midflow.sql. Frozen: 0.3.0's module refuses 0.2.0's
-- SQL objects (extension/pg/module_version.hpp), so it cannot make this state itself.
--
-- PostgreSQL database dump
--

\restrict rVo0V3IBNxqvYZ5dPa4hE126BvbohSn9MthDfREZoYNHIIltQiwki1Bc2opfDsP

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Data for Name: event; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.event (event_id, event, order_id, payload, created_at) FROM stdin;
1	ORDER_CREATED	98d7a097-8b74-48ef-a71d-aa595c4c2655	{"orderId": "98d7a097-8b74-48ef-a71d-aa595c4c2655", "priority": 0, "orderDate": "2026-12-02 00:46:09.277449+00", "tenantOrderId": "routed", "orderLineItems": [{"lineId": "1", "quantity": 2, "bundleRef": null, "tenantArticleId": "shirt"}]}	2026-12-02 00:46:09.297708+00
2	ROUTING_PLAN_ROUTED	98d7a097-8b74-48ef-a71d-aa595c4c2655	{"lines": [{"lineId": "1", "quantity": 2, "shortQuantity": 0, "tenantArticleId": "shirt"}], "status": "ROUTED", "orderId": "98d7a097-8b74-48ef-a71d-aa595c4c2655", "runType": "DEFAULT", "decidedBy": "complete-stock single facility", "facilityRef": "munich", "routingPlanId": "8f204095-2b94-4dd8-ac02-f908422b89d5", "tenantOrderId": "routed", "parentRoutingPlanId": null}	2026-12-02 00:46:09.298044+00
3	PICK_JOB_CREATED	98d7a097-8b74-48ef-a71d-aa595c4c2655	{"orderId": "98d7a097-8b74-48ef-a71d-aa595c4c2655", "pickJobId": "ed1b3ed3-0232-49e9-a32a-cc0538aac197", "pickLines": [{"lineId": "1", "quantity": 2, "shortQuantity": 0, "tenantArticleId": "shirt"}], "subStatus": null, "facilityRef": "munich", "routingPlanId": "8f204095-2b94-4dd8-ac02-f908422b89d5", "tenantOrderId": "routed"}	2026-12-02 00:46:09.298052+00
4	ORDER_CREATED	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	{"orderId": "b7e197ce-ff6d-45d9-974b-1258ab32a2c4", "priority": 0, "orderDate": "2026-12-02 00:46:09.305726+00", "tenantOrderId": "split", "orderLineItems": [{"lineId": "1", "quantity": 4, "bundleRef": null, "tenantArticleId": "shirt"}, {"lineId": "2", "quantity": 1, "bundleRef": null, "tenantArticleId": "mug"}]}	2026-12-02 00:46:09.308335+00
5	ROUTING_PLAN_ROUTED	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	{"lines": [{"lineId": "1", "quantity": 4, "shortQuantity": 1, "tenantArticleId": "shirt"}, {"lineId": "2", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "mug"}], "status": "ROUTED", "orderId": "b7e197ce-ff6d-45d9-974b-1258ab32a2c4", "runType": "DEFAULT", "decidedBy": "split with short pick", "facilityRef": "munich", "routingPlanId": "91122ee8-9707-43d7-be12-b3e7d2e14eac", "tenantOrderId": "split", "parentRoutingPlanId": null}	2026-12-02 00:46:09.308374+00
6	PICK_JOB_CREATED	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	{"orderId": "b7e197ce-ff6d-45d9-974b-1258ab32a2c4", "pickJobId": "735e1f03-0f22-460d-aff3-c5f19d299479", "pickLines": [{"lineId": "1", "quantity": 3, "shortQuantity": 1, "tenantArticleId": "shirt"}, {"lineId": "2", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "mug"}], "subStatus": "SHORT_PICKED", "facilityRef": "munich", "routingPlanId": "91122ee8-9707-43d7-be12-b3e7d2e14eac", "tenantOrderId": "split"}	2026-12-02 00:46:09.308385+00
7	ORDER_CREATED	6c27041e-8d7e-40b3-aeb6-c969a7a37168	{"orderId": "6c27041e-8d7e-40b3-aeb6-c969a7a37168", "priority": 0, "orderDate": "2026-12-02 00:46:09.309118+00", "tenantOrderId": "short", "orderLineItems": [{"lineId": "1", "quantity": 1, "bundleRef": null, "tenantArticleId": "shirt"}, {"lineId": "2", "quantity": 3, "bundleRef": null, "tenantArticleId": "mug"}]}	2026-12-02 00:46:09.311065+00
8	ROUTING_PLAN_ROUTED	6c27041e-8d7e-40b3-aeb6-c969a7a37168	{"lines": [{"lineId": "1", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "shirt"}, {"lineId": "2", "quantity": 3, "shortQuantity": 3, "tenantArticleId": "mug"}], "status": "ROUTED", "orderId": "6c27041e-8d7e-40b3-aeb6-c969a7a37168", "runType": "DEFAULT", "decidedBy": "split with short pick", "facilityRef": "berlin", "routingPlanId": "30cfa6be-72c6-48bb-98f3-16d3a67fa878", "tenantOrderId": "short", "parentRoutingPlanId": null}	2026-12-02 00:46:09.313462+00
9	PICK_JOB_CREATED	6c27041e-8d7e-40b3-aeb6-c969a7a37168	{"orderId": "6c27041e-8d7e-40b3-aeb6-c969a7a37168", "pickJobId": "6b18a948-26e9-4480-99c8-40ed8c48c0c8", "pickLines": [{"lineId": "1", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "shirt"}, {"lineId": "2", "quantity": 0, "shortQuantity": 3, "tenantArticleId": "mug"}], "subStatus": "SHORT_PICKED", "facilityRef": "berlin", "routingPlanId": "30cfa6be-72c6-48bb-98f3-16d3a67fa878", "tenantOrderId": "short"}	2026-12-02 00:46:09.31348+00
10	ORDER_CREATED	e47dc105-2201-42f5-aa1f-4077452614d8	{"orderId": "e47dc105-2201-42f5-aa1f-4077452614d8", "priority": 0, "orderDate": "2026-12-02 00:46:09.317691+00", "tenantOrderId": "waits-1", "orderLineItems": [{"lineId": "1", "quantity": 2, "bundleRef": null, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.319405+00
11	ROUTING_PLAN_WAITING	e47dc105-2201-42f5-aa1f-4077452614d8	{"lines": [{"lineId": "1", "quantity": 2, "shortQuantity": 0, "tenantArticleId": "lamp"}], "status": "WAITING", "orderId": "e47dc105-2201-42f5-aa1f-4077452614d8", "runType": "DEFAULT", "decidedBy": "waiting room: whole order waits", "facilityRef": null, "routingPlanId": "b13bde7a-1ad6-457f-b7db-dccc8fda5e2c", "tenantOrderId": "waits-1", "parentRoutingPlanId": null}	2026-12-02 00:46:09.31944+00
12	ORDER_CREATED	fa6bcf2c-3cee-4d37-ac8e-7742a270377f	{"orderId": "fa6bcf2c-3cee-4d37-ac8e-7742a270377f", "priority": 5, "orderDate": "2026-12-02 00:46:09.319972+00", "tenantOrderId": "waits-2", "orderLineItems": [{"lineId": "1", "quantity": 1, "bundleRef": null, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.321037+00
13	ROUTING_PLAN_WAITING	fa6bcf2c-3cee-4d37-ac8e-7742a270377f	{"lines": [{"lineId": "1", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "lamp"}], "status": "WAITING", "orderId": "fa6bcf2c-3cee-4d37-ac8e-7742a270377f", "runType": "DEFAULT", "decidedBy": "waiting room: whole order waits", "facilityRef": null, "routingPlanId": "56564e94-3f3e-4ca7-b1fb-e899033829ed", "tenantOrderId": "waits-2", "parentRoutingPlanId": null}	2026-12-02 00:46:09.321067+00
14	ORDER_CREATED	e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	{"orderId": "e8e09ae8-fe39-4f1e-bfaf-7ad94739b066", "priority": 1, "orderDate": "2026-12-02 00:46:09.3257+00", "tenantOrderId": "waits-3", "orderLineItems": [{"lineId": "1", "quantity": 1, "bundleRef": null, "tenantArticleId": "poster"}, {"lineId": "2", "quantity": 1, "bundleRef": null, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.327259+00
15	ROUTING_PLAN_WAITING	e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	{"lines": [{"lineId": "1", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "poster"}, {"lineId": "2", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "lamp"}], "status": "WAITING", "orderId": "e8e09ae8-fe39-4f1e-bfaf-7ad94739b066", "runType": "DEFAULT", "decidedBy": "waiting room: whole order waits", "facilityRef": null, "routingPlanId": "44eb39da-c0ed-487d-b3ec-77b5b9be2d80", "tenantOrderId": "waits-3", "parentRoutingPlanId": null}	2026-12-02 00:46:09.327284+00
16	ORDER_CREATED	70669ace-5d9b-46b1-8318-abfaca827570	{"orderId": "70669ace-5d9b-46b1-8318-abfaca827570", "priority": 0, "orderDate": "2026-12-02 00:46:09.327755+00", "tenantOrderId": "nowhere", "orderLineItems": [{"lineId": "1", "quantity": 1, "bundleRef": null, "tenantArticleId": "unknown"}]}	2026-12-02 00:46:09.328383+00
17	ROUTING_PLAN_NOT_ROUTABLE	70669ace-5d9b-46b1-8318-abfaca827570	{"lines": [{"lineId": "1", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "unknown"}], "status": "NOT_ROUTABLE", "orderId": "70669ace-5d9b-46b1-8318-abfaca827570", "runType": "DEFAULT", "decidedBy": "not routable", "facilityRef": null, "routingPlanId": "bacaa8f4-edcf-465f-8ace-7a2422392f94", "tenantOrderId": "nowhere", "parentRoutingPlanId": null}	2026-12-02 00:46:09.328413+00
18	ORDER_CREATED	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	{"orderId": "8dbc0e75-29d4-4c29-bf0f-5158167d87d1", "priority": 0, "orderDate": "2026-12-02 00:46:09.333438+00", "tenantOrderId": "cancel-all", "orderLineItems": [{"lineId": "1", "quantity": 1, "bundleRef": null, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.334845+00
19	ROUTING_PLAN_WAITING	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	{"lines": [{"lineId": "1", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "lamp"}], "status": "WAITING", "orderId": "8dbc0e75-29d4-4c29-bf0f-5158167d87d1", "runType": "DEFAULT", "decidedBy": "waiting room: whole order waits", "facilityRef": null, "routingPlanId": "8e5ed1ab-30af-4255-a006-8819208b2181", "tenantOrderId": "cancel-all", "parentRoutingPlanId": null}	2026-12-02 00:46:09.335097+00
20	ROUTING_PLAN_CANCELLED	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	{"lines": [{"lineId": "1", "quantity": 1, "shortQuantity": 0, "tenantArticleId": "lamp"}], "status": "CANCELLED", "orderId": "8dbc0e75-29d4-4c29-bf0f-5158167d87d1", "runType": "DEFAULT", "decidedBy": "cancel_order", "facilityRef": null, "routingPlanId": "8e5ed1ab-30af-4255-a006-8819208b2181", "tenantOrderId": "cancel-all", "parentRoutingPlanId": null}	2026-12-02 00:46:09.346636+00
21	ORDER_CANCELLED	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	{"lines": [{"lineId": "1", "quantity": 1, "tenantArticleId": "lamp"}], "orderId": "8dbc0e75-29d4-4c29-bf0f-5158167d87d1", "tenantOrderId": "cancel-all"}	2026-12-02 00:46:09.346672+00
22	ORDER_CREATED	12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	{"orderId": "12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60", "priority": 0, "orderDate": "2026-12-02 00:46:09.353724+00", "tenantOrderId": "cancel-part", "orderLineItems": [{"lineId": "1", "quantity": 3, "bundleRef": null, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.355214+00
23	ROUTING_PLAN_WAITING	12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	{"lines": [{"lineId": "1", "quantity": 3, "shortQuantity": 0, "tenantArticleId": "lamp"}], "status": "WAITING", "orderId": "12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60", "runType": "DEFAULT", "decidedBy": "waiting room: whole order waits", "facilityRef": null, "routingPlanId": "904abc69-fee7-4f7d-939b-d3d78565059a", "tenantOrderId": "cancel-part", "parentRoutingPlanId": null}	2026-12-02 00:46:09.355252+00
24	ORDER_LINES_CANCELLED	12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	{"lines": [{"lineId": "1", "quantity": 1, "tenantArticleId": "lamp"}], "orderId": "12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60", "tenantOrderId": "cancel-part"}	2026-12-02 00:46:09.356559+00
\.


--
-- Data for Name: subscription; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.subscription (subscription_id, kind, events, url, headers, secret, max_attempts, active, created_at) FROM stdin;
erp	webhook	{ORDER_CREATED,ROUTING_PLAN_ROUTED}	http://127.0.0.1:9/hook	{}	whsec_c2VjcmV0	\N	f	2026-12-02 00:46:09.272103+00
stdout	stdout	\N	\N	{}	\N	5	t	2026-12-02 00:46:08.998122+00
\.


--
-- Data for Name: delivery; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.delivery (event_id, subscription_id, order_id, state, attempts, next_attempt_at, last_attempt_at, last_error, delivered_at, delivered_by) FROM stdin;
6	stdout	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	pending	0	2026-12-02 00:46:09.308505+00	\N	\N	\N	\N
7	stdout	6c27041e-8d7e-40b3-aeb6-c969a7a37168	pending	0	2026-12-02 00:46:09.313544+00	\N	\N	\N	\N
8	stdout	6c27041e-8d7e-40b3-aeb6-c969a7a37168	pending	0	2026-12-02 00:46:09.313603+00	\N	\N	\N	\N
9	stdout	6c27041e-8d7e-40b3-aeb6-c969a7a37168	pending	0	2026-12-02 00:46:09.313613+00	\N	\N	\N	\N
10	stdout	e47dc105-2201-42f5-aa1f-4077452614d8	pending	0	2026-12-02 00:46:09.319488+00	\N	\N	\N	\N
11	stdout	e47dc105-2201-42f5-aa1f-4077452614d8	pending	0	2026-12-02 00:46:09.319553+00	\N	\N	\N	\N
12	stdout	fa6bcf2c-3cee-4d37-ac8e-7742a270377f	pending	0	2026-12-02 00:46:09.321112+00	\N	\N	\N	\N
13	stdout	fa6bcf2c-3cee-4d37-ac8e-7742a270377f	pending	0	2026-12-02 00:46:09.32116+00	\N	\N	\N	\N
14	stdout	e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	pending	0	2026-12-02 00:46:09.327358+00	\N	\N	\N	\N
15	stdout	e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	pending	0	2026-12-02 00:46:09.327408+00	\N	\N	\N	\N
16	stdout	70669ace-5d9b-46b1-8318-abfaca827570	pending	0	2026-12-02 00:46:09.328452+00	\N	\N	\N	\N
17	stdout	70669ace-5d9b-46b1-8318-abfaca827570	pending	0	2026-12-02 00:46:09.328507+00	\N	\N	\N	\N
18	stdout	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	pending	0	2026-12-02 00:46:09.335166+00	\N	\N	\N	\N
19	stdout	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	pending	0	2026-12-02 00:46:09.335227+00	\N	\N	\N	\N
20	stdout	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	pending	0	2026-12-02 00:46:09.346737+00	\N	\N	\N	\N
21	stdout	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	pending	0	2026-12-02 00:46:09.346806+00	\N	\N	\N	\N
22	stdout	12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	pending	0	2026-12-02 00:46:09.355311+00	\N	\N	\N	\N
23	stdout	12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	pending	0	2026-12-02 00:46:09.355394+00	\N	\N	\N	\N
24	stdout	12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	pending	0	2026-12-02 00:46:09.356619+00	\N	\N	\N	\N
1	stdout	98d7a097-8b74-48ef-a71d-aa595c4c2655	delivered	1	2026-12-02 00:46:09.298691+00	2026-12-02 00:46:09.362481+00	\N	2026-12-02 00:46:09.362481+00	midflow
2	stdout	98d7a097-8b74-48ef-a71d-aa595c4c2655	delivered	1	2026-12-02 00:46:09.299204+00	2026-12-02 00:46:09.362556+00	\N	2026-12-02 00:46:09.362556+00	midflow
3	stdout	98d7a097-8b74-48ef-a71d-aa595c4c2655	delivered	1	2026-12-02 00:46:09.299215+00	2026-12-02 00:46:09.362564+00	\N	2026-12-02 00:46:09.362564+00	midflow
4	stdout	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	delivered	1	2026-12-02 00:46:09.308437+00	2026-12-02 00:46:09.36257+00	\N	2026-12-02 00:46:09.36257+00	midflow
5	stdout	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	delivered	1	2026-12-02 00:46:09.308494+00	2026-12-02 00:46:09.362575+00	\N	2026-12-02 00:46:09.362575+00	midflow
1	erp	98d7a097-8b74-48ef-a71d-aa595c4c2655	dead	1	2026-12-02 00:47:09.363826+00	2026-12-02 00:46:09.363826+00	HTTP 503	\N	midflow
2	erp	98d7a097-8b74-48ef-a71d-aa595c4c2655	pending	0	infinity	\N	\N	\N	\N
22	erp	12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	pending	0	infinity	\N	\N	\N	\N
7	erp	6c27041e-8d7e-40b3-aeb6-c969a7a37168	pending	0	infinity	\N	\N	\N	\N
8	erp	6c27041e-8d7e-40b3-aeb6-c969a7a37168	pending	0	infinity	\N	\N	\N	\N
16	erp	70669ace-5d9b-46b1-8318-abfaca827570	pending	0	infinity	\N	\N	\N	\N
18	erp	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	pending	0	infinity	\N	\N	\N	\N
4	erp	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	pending	0	infinity	\N	\N	\N	\N
5	erp	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	pending	0	infinity	\N	\N	\N	\N
10	erp	e47dc105-2201-42f5-aa1f-4077452614d8	pending	0	infinity	\N	\N	\N	\N
14	erp	e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	pending	0	infinity	\N	\N	\N	\N
12	erp	fa6bcf2c-3cee-4d37-ac8e-7742a270377f	pending	0	infinity	\N	\N	\N	\N
\.


--
-- Data for Name: facility; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.facility (facility_ref, name, status, lat, lon) FROM stdin;
munich	Munich	ONLINE	48.14	11.58
berlin	Berlin	ONLINE	52.52	13.4
\.


--
-- Data for Name: listing; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.listing (facility_ref, tenant_article_id, status, out_of_stock_behaviour, preorder_available_from) FROM stdin;
munich	shirt	ACTIVE	NONE	\N
berlin	shirt	ACTIVE	NONE	\N
munich	mug	ACTIVE	NONE	\N
berlin	lamp	ACTIVE	BACKORDER	\N
munich	poster	ACTIVE	BACKORDER	\N
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.orders (order_id, tenant_order_id, status, order_date, priority, consumer_lat, consumer_lon, request, created_at) FROM stdin;
98d7a097-8b74-48ef-a71d-aa595c4c2655	routed	OPEN	2026-12-02 00:46:09.277449+00	0	48.1	11.5	{"consumer": {"lat": 48.1, "lon": 11.5}, "priority": 0, "tenantOrderId": "routed", "orderLineItems": [{"id": "1", "quantity": 2, "tenantArticleId": "shirt"}]}	2026-12-02 00:46:09.277449+00
b7e197ce-ff6d-45d9-974b-1258ab32a2c4	split	OPEN	2026-12-02 00:46:09.305726+00	0	48.1	11.5	{"consumer": {"lat": 48.1, "lon": 11.5}, "priority": 0, "tenantOrderId": "split", "orderLineItems": [{"id": "1", "quantity": 4, "tenantArticleId": "shirt"}, {"id": "2", "quantity": 1, "tenantArticleId": "mug"}]}	2026-12-02 00:46:09.305726+00
6c27041e-8d7e-40b3-aeb6-c969a7a37168	short	OPEN	2026-12-02 00:46:09.309118+00	0	48.1	11.5	{"consumer": {"lat": 48.1, "lon": 11.5}, "priority": 0, "tenantOrderId": "short", "orderLineItems": [{"id": "1", "quantity": 1, "tenantArticleId": "shirt"}, {"id": "2", "quantity": 3, "tenantArticleId": "mug"}]}	2026-12-02 00:46:09.309118+00
e47dc105-2201-42f5-aa1f-4077452614d8	waits-1	OPEN	2026-12-02 00:46:09.317691+00	0	48.1	11.5	{"consumer": {"lat": 48.1, "lon": 11.5}, "priority": 0, "tenantOrderId": "waits-1", "orderLineItems": [{"id": "1", "quantity": 2, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.317691+00
fa6bcf2c-3cee-4d37-ac8e-7742a270377f	waits-2	OPEN	2026-12-02 00:46:09.319972+00	5	48.1	11.5	{"consumer": {"lat": 48.1, "lon": 11.5}, "priority": 5, "tenantOrderId": "waits-2", "orderLineItems": [{"id": "1", "quantity": 1, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.319972+00
e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	waits-3	OPEN	2026-12-02 00:46:09.3257+00	1	48.1	11.5	{"consumer": {"lat": 48.1, "lon": 11.5}, "priority": 1, "tenantOrderId": "waits-3", "orderLineItems": [{"id": "1", "quantity": 1, "tenantArticleId": "poster"}, {"id": "2", "quantity": 1, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.3257+00
70669ace-5d9b-46b1-8318-abfaca827570	nowhere	OPEN	2026-12-02 00:46:09.327755+00	0	48.1	11.5	{"consumer": {"lat": 48.1, "lon": 11.5}, "priority": 0, "tenantOrderId": "nowhere", "orderLineItems": [{"id": "1", "quantity": 1, "tenantArticleId": "unknown"}]}	2026-12-02 00:46:09.327755+00
8dbc0e75-29d4-4c29-bf0f-5158167d87d1	cancel-all	CANCELLED	2026-12-02 00:46:09.333438+00	0	48.1	11.5	{"consumer": {"lat": 48.1, "lon": 11.5}, "priority": 0, "tenantOrderId": "cancel-all", "orderLineItems": [{"id": "1", "quantity": 1, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.333438+00
12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	cancel-part	OPEN	2026-12-02 00:46:09.353724+00	0	48.1	11.5	{"consumer": {"lat": 48.1, "lon": 11.5}, "priority": 0, "tenantOrderId": "cancel-part", "orderLineItems": [{"id": "1", "quantity": 3, "tenantArticleId": "lamp"}]}	2026-12-02 00:46:09.353724+00
\.


--
-- Data for Name: order_line; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.order_line (order_id, line_id, "position", tenant_article_id, quantity, bundle_ref, cancelled_quantity) FROM stdin;
98d7a097-8b74-48ef-a71d-aa595c4c2655	1	1	shirt	2	\N	0
b7e197ce-ff6d-45d9-974b-1258ab32a2c4	1	1	shirt	4	\N	0
b7e197ce-ff6d-45d9-974b-1258ab32a2c4	2	2	mug	1	\N	0
6c27041e-8d7e-40b3-aeb6-c969a7a37168	1	1	shirt	1	\N	0
6c27041e-8d7e-40b3-aeb6-c969a7a37168	2	2	mug	3	\N	0
e47dc105-2201-42f5-aa1f-4077452614d8	1	1	lamp	2	\N	0
fa6bcf2c-3cee-4d37-ac8e-7742a270377f	1	1	lamp	1	\N	0
e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	1	1	poster	1	\N	0
e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	2	2	lamp	1	\N	0
70669ace-5d9b-46b1-8318-abfaca827570	1	1	unknown	1	\N	0
8dbc0e75-29d4-4c29-bf0f-5158167d87d1	1	1	lamp	1	\N	1
12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	1	1	lamp	3	\N	1
\.


--
-- Data for Name: outbox_setting; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.outbox_setting (id, delivered_retention) FROM stdin;
t	3 days
\.


--
-- Data for Name: routing_plan; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.routing_plan (routing_plan_id, plan_no, order_id, parent_routing_plan_id, status, facility_ref, run_type, waiting_since, decided_by, created_at, updated_at) FROM stdin;
8f204095-2b94-4dd8-ac02-f908422b89d5	1	98d7a097-8b74-48ef-a71d-aa595c4c2655	\N	ROUTED	munich	DEFAULT	\N	complete-stock single facility	2026-12-02 00:46:09.277449+00	2026-12-02 00:46:09.277449+00
91122ee8-9707-43d7-be12-b3e7d2e14eac	2	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	\N	ROUTED	munich	DEFAULT	\N	split with short pick	2026-12-02 00:46:09.305726+00	2026-12-02 00:46:09.305726+00
30cfa6be-72c6-48bb-98f3-16d3a67fa878	3	6c27041e-8d7e-40b3-aeb6-c969a7a37168	\N	ROUTED	berlin	DEFAULT	\N	split with short pick	2026-12-02 00:46:09.309118+00	2026-12-02 00:46:09.309118+00
b13bde7a-1ad6-457f-b7db-dccc8fda5e2c	4	e47dc105-2201-42f5-aa1f-4077452614d8	\N	WAITING	\N	DEFAULT	2026-12-02 00:46:09.317691+00	waiting room: whole order waits	2026-12-02 00:46:09.317691+00	2026-12-02 00:46:09.317691+00
56564e94-3f3e-4ca7-b1fb-e899033829ed	5	fa6bcf2c-3cee-4d37-ac8e-7742a270377f	\N	WAITING	\N	DEFAULT	2026-12-02 00:46:09.319972+00	waiting room: whole order waits	2026-12-02 00:46:09.319972+00	2026-12-02 00:46:09.319972+00
44eb39da-c0ed-487d-b3ec-77b5b9be2d80	6	e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	\N	WAITING	\N	DEFAULT	2026-12-02 00:46:09.3257+00	waiting room: whole order waits	2026-12-02 00:46:09.3257+00	2026-12-02 00:46:09.3257+00
bacaa8f4-edcf-465f-8ace-7a2422392f94	7	70669ace-5d9b-46b1-8318-abfaca827570	\N	NOT_ROUTABLE	\N	DEFAULT	\N	not routable	2026-12-02 00:46:09.327755+00	2026-12-02 00:46:09.327755+00
8e5ed1ab-30af-4255-a006-8819208b2181	8	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	\N	CANCELLED	\N	DEFAULT	2026-12-02 00:46:09.333438+00	cancel_order	2026-12-02 00:46:09.333438+00	2026-12-02 00:46:09.341704+00
904abc69-fee7-4f7d-939b-d3d78565059a	9	12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	\N	WAITING	\N	DEFAULT	2026-12-02 00:46:09.353724+00	waiting room: whole order waits	2026-12-02 00:46:09.353724+00	2026-12-02 00:46:09.353724+00
\.


--
-- Data for Name: pick_job; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.pick_job (pick_job_id, routing_plan_id, order_id, facility_ref, status, sub_status, created_at) FROM stdin;
ed1b3ed3-0232-49e9-a32a-cc0538aac197	8f204095-2b94-4dd8-ac02-f908422b89d5	98d7a097-8b74-48ef-a71d-aa595c4c2655	munich	OPEN	\N	2026-12-02 00:46:09.277449+00
735e1f03-0f22-460d-aff3-c5f19d299479	91122ee8-9707-43d7-be12-b3e7d2e14eac	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	munich	OPEN	SHORT_PICKED	2026-12-02 00:46:09.305726+00
6b18a948-26e9-4480-99c8-40ed8c48c0c8	30cfa6be-72c6-48bb-98f3-16d3a67fa878	6c27041e-8d7e-40b3-aeb6-c969a7a37168	berlin	OPEN	SHORT_PICKED	2026-12-02 00:46:09.309118+00
\.


--
-- Data for Name: pick_line; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.pick_line (pick_job_id, line_id, facility_ref, tenant_article_id, quantity, short_quantity) FROM stdin;
ed1b3ed3-0232-49e9-a32a-cc0538aac197	1	munich	shirt	2	0
735e1f03-0f22-460d-aff3-c5f19d299479	1	munich	shirt	3	1
735e1f03-0f22-460d-aff3-c5f19d299479	2	munich	mug	1	0
6b18a948-26e9-4480-99c8-40ed8c48c0c8	1	berlin	shirt	1	0
6b18a948-26e9-4480-99c8-40ed8c48c0c8	2	berlin	mug	0	3
\.


--
-- Data for Name: reroute_queue; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.reroute_queue (entry_id, tenant_article_id, enqueued_at) FROM stdin;
1	lamp	2026-12-02 00:46:09.367769+00
\.


--
-- Data for Name: routing_decision; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.routing_decision (routing_plan_id, decided_at, log) FROM stdin;
8f204095-2b94-4dd8-ac02-f908422b89d5	2026-12-02 00:46:09.277449+00	{"rule":"complete-stock single facility","why":"rule 1: munich has complete stock for every line; lowest penalty (then facility_ref) of the facilities with complete stock: berlin, munich","plans":[["8f204095-2b94-4dd8-ac02-f908422b89d5","ROUTED","munich",[["1","shirt",2,0,false,null]]]],"at":"2026-12-02T00:46:09.277449Z","strategy":[true,"reactive",true,2,true,true,"PRIORITY"],"articles":[["shirt",2,8,0,8]],"facilities":[[["berlin"],[509.6],"ONLINE",true,false,[["ACTIVE","NONE",null,3,0,3,true,"OK"]]],[["munich"],[7.4],"ONLINE",true,true,[["ACTIVE","NONE",null,5,0,5,true,"OK"]]]],"omitted":[0,[[{},null]]],"cap":[2,1,false]}
91122ee8-9707-43d7-be12-b3e7d2e14eac	2026-12-02 00:46:09.305726+00	{"rule":"split with short pick","why":"rule 2: no facility serves a unit in full; munich has the most of it and short-picks the rest","plans":[["91122ee8-9707-43d7-be12-b3e7d2e14eac","ROUTED","munich",[["1","shirt",3,1,false,null],["2","mug",1,0,false,null]]]],"at":"2026-12-02T00:46:09.305726Z","strategy":[true,"reactive",true,2,true,true,"PRIORITY"],"articles":[["mug",1,1,0,1],["shirt",4,6,0,6]],"facilities":[[["berlin"],[509.6],"ONLINE",false,false,[[null,null,null,0,0,0,false,"NO_LISTING"],["ACTIVE","NONE",null,3,0,3,true,"STOCK_SHORT"]]],[["munich"],[7.4],"ONLINE",false,true,[["ACTIVE","NONE",null,1,0,1,true,"OK"],["ACTIVE","NONE",null,5,2,3,true,"STOCK_SHORT"]]]],"omitted":[0,[[{},null],[{},null]]],"cap":[2,1,false]}
30cfa6be-72c6-48bb-98f3-16d3a67fa878	2026-12-02 00:46:09.309118+00	{"rule":"split with short pick","why":"rule 2: no facility serves a unit in full; berlin has the most of it and short-picks the rest","plans":[["30cfa6be-72c6-48bb-98f3-16d3a67fa878","ROUTED","berlin",[["1","shirt",1,0,false,null],["2","mug",0,3,false,null]]]],"at":"2026-12-02T00:46:09.309118Z","strategy":[true,"reactive",true,2,true,true,"PRIORITY"],"articles":[["mug",3,0,0,0],["shirt",1,3,0,3]],"facilities":[[["berlin"],[509.6],"ONLINE",false,true,[[null,null,null,0,0,0,false,"NO_LISTING"],["ACTIVE","NONE",null,3,0,3,true,"OK"]]],[["munich"],[7.4],"ONLINE",false,false,[["ACTIVE","NONE",null,1,1,0,true,"STOCK_SHORT"],["ACTIVE","NONE",null,5,5,0,true,"STOCK_SHORT"]]]],"omitted":[0,[[{},null],[{},null]]],"cap":[2,1,false]}
b13bde7a-1ad6-457f-b7db-dccc8fda5e2c	2026-12-02 00:46:09.317691+00	{"rule":"waiting room: whole order waits","why":"rule 2: no facility serves a unit in full and the lines are pre/backorderable: they wait (waiting room on)","plans":[["b13bde7a-1ad6-457f-b7db-dccc8fda5e2c","WAITING",null,[["1","lamp",2,0,false,"BACKORDER_NO_STOCK"]]]],"at":"2026-12-02T00:46:09.317691Z","strategy":[true,"reactive",true,2,true,true,"PRIORITY"],"articles":[["lamp",2,0,0,0]],"facilities":[[["berlin"],[509.6],"ONLINE",false,false,[["ACTIVE","BACKORDER",null,0,0,0,true,"STOCK_SHORT"]]]],"omitted":[0,[[{},null]]],"cap":[2,0,false]}
56564e94-3f3e-4ca7-b1fb-e899033829ed	2026-12-02 00:46:09.319972+00	{"rule":"waiting room: whole order waits","why":"rule 2: no facility serves a unit in full and the lines are pre/backorderable: they wait (waiting room on)","plans":[["56564e94-3f3e-4ca7-b1fb-e899033829ed","WAITING",null,[["1","lamp",1,0,false,"BACKORDER_NO_STOCK"]]]],"at":"2026-12-02T00:46:09.319972Z","strategy":[true,"reactive",true,2,true,true,"PRIORITY"],"articles":[["lamp",1,0,0,0]],"facilities":[[["berlin"],[509.6],"ONLINE",false,false,[["ACTIVE","BACKORDER",null,0,0,0,true,"STOCK_SHORT"]]]],"omitted":[0,[[{},null]]],"cap":[2,0,false]}
44eb39da-c0ed-487d-b3ec-77b5b9be2d80	2026-12-02 00:46:09.3257+00	{"rule":"waiting room: whole order waits","why":"rule 2: no facility serves a unit in full and the lines are pre/backorderable: they wait (waiting room on)","plans":[["44eb39da-c0ed-487d-b3ec-77b5b9be2d80","WAITING",null,[["1","poster",1,0,false,"BACKORDER_NO_STOCK"],["2","lamp",1,0,false,"BACKORDER_NO_STOCK"]]]],"at":"2026-12-02T00:46:09.325700Z","strategy":[true,"reactive",true,2,true,true,"PRIORITY"],"articles":[["lamp",1,0,0,0],["poster",1,0,0,0]],"facilities":[[["berlin"],[509.6],"ONLINE",false,false,[["ACTIVE","BACKORDER",null,0,0,0,true,"STOCK_SHORT"],[null,null,null,0,0,0,false,"NO_LISTING"]]],[["munich"],[7.4],"ONLINE",false,false,[[null,null,null,0,0,0,false,"NO_LISTING"],["ACTIVE","BACKORDER",null,0,0,0,true,"STOCK_SHORT"]]]],"omitted":[0,[[{},null],[{},null]]],"cap":[2,0,false]}
bacaa8f4-edcf-465f-8ace-7a2422392f94	2026-12-02 00:46:09.327755+00	{"rule":"not routable","why":"rule 5: no facility has any of it available and nothing is pre/backorderable: NOT_ROUTABLE","plans":[["bacaa8f4-edcf-465f-8ace-7a2422392f94","NOT_ROUTABLE",null,[["1","unknown",1,0,false,null]]]],"at":"2026-12-02T00:46:09.327755Z","strategy":[true,"reactive",true,2,true,true,"PRIORITY"],"articles":[["unknown",1,0,0,0]],"facilities":[],"omitted":[0,[[{},null]]],"cap":[2,0,false]}
8e5ed1ab-30af-4255-a006-8819208b2181	2026-12-02 00:46:09.333438+00	{"rule":"waiting room: whole order waits","why":"rule 2: no facility serves a unit in full and the lines are pre/backorderable: they wait (waiting room on)","plans":[["8e5ed1ab-30af-4255-a006-8819208b2181","WAITING",null,[["1","lamp",1,0,false,"BACKORDER_NO_STOCK"]]]],"at":"2026-12-02T00:46:09.333438Z","strategy":[true,"reactive",true,2,true,true,"PRIORITY"],"articles":[["lamp",1,0,0,0]],"facilities":[[["berlin"],[509.6],"ONLINE",false,false,[["ACTIVE","BACKORDER",null,0,0,0,true,"STOCK_SHORT"]]]],"omitted":[0,[[{},null]]],"cap":[2,0,false]}
904abc69-fee7-4f7d-939b-d3d78565059a	2026-12-02 00:46:09.353724+00	{"rule":"waiting room: whole order waits","why":"rule 2: no facility serves a unit in full and the lines are pre/backorderable: they wait (waiting room on)","plans":[["904abc69-fee7-4f7d-939b-d3d78565059a","WAITING",null,[["1","lamp",3,0,false,"BACKORDER_NO_STOCK"]]]],"at":"2026-12-02T00:46:09.353724Z","strategy":[true,"reactive",true,2,true,true,"PRIORITY"],"articles":[["lamp",3,0,0,0]],"facilities":[[["berlin"],[509.6],"ONLINE",false,false,[["ACTIVE","BACKORDER",null,0,0,0,true,"STOCK_SHORT"]]]],"omitted":[0,[[{},null]]],"cap":[2,0,false]}
\.


--
-- Data for Name: routing_plan_line; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.routing_plan_line (routing_plan_id, order_id, line_id, tenant_article_id, quantity, waiting) FROM stdin;
8f204095-2b94-4dd8-ac02-f908422b89d5	98d7a097-8b74-48ef-a71d-aa595c4c2655	1	shirt	2	f
91122ee8-9707-43d7-be12-b3e7d2e14eac	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	1	shirt	4	f
91122ee8-9707-43d7-be12-b3e7d2e14eac	b7e197ce-ff6d-45d9-974b-1258ab32a2c4	2	mug	1	f
30cfa6be-72c6-48bb-98f3-16d3a67fa878	6c27041e-8d7e-40b3-aeb6-c969a7a37168	1	shirt	1	f
30cfa6be-72c6-48bb-98f3-16d3a67fa878	6c27041e-8d7e-40b3-aeb6-c969a7a37168	2	mug	3	f
b13bde7a-1ad6-457f-b7db-dccc8fda5e2c	e47dc105-2201-42f5-aa1f-4077452614d8	1	lamp	2	t
56564e94-3f3e-4ca7-b1fb-e899033829ed	fa6bcf2c-3cee-4d37-ac8e-7742a270377f	1	lamp	1	t
44eb39da-c0ed-487d-b3ec-77b5b9be2d80	e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	1	poster	1	t
44eb39da-c0ed-487d-b3ec-77b5b9be2d80	e8e09ae8-fe39-4f1e-bfaf-7ad94739b066	2	lamp	1	t
bacaa8f4-edcf-465f-8ace-7a2422392f94	70669ace-5d9b-46b1-8318-abfaca827570	1	unknown	1	f
8e5ed1ab-30af-4255-a006-8819208b2181	8dbc0e75-29d4-4c29-bf0f-5158167d87d1	1	lamp	0	f
904abc69-fee7-4f7d-939b-d3d78565059a	12d9dcfb-c406-4a16-bd82-0ccd1ac7fc60	1	lamp	2	t
\.


--
-- Data for Name: routing_strategy; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.routing_strategy (id, complete_stock_fence_active, complete_stock_fence_mode, order_split_active, max_split_count, use_waiting_room_for_pre_back_order_items, waiting_room_priority) FROM stdin;
t	t	reactive	t	2	t	PRIORITY
\.


--
-- Data for Name: stock; Type: TABLE DATA; Schema: waitroom; Owner: postgres
--

COPY waitroom.stock (facility_ref, tenant_article_id, on_hand, reserved) FROM stdin;
munich	mug	1	1
munich	shirt	5	5
berlin	shirt	3	1
\.


--
-- Name: event_event_id_seq; Type: SEQUENCE SET; Schema: waitroom; Owner: postgres
--

SELECT pg_catalog.setval('waitroom.event_event_id_seq', 24, true);


--
-- Name: reroute_queue_entry_id_seq; Type: SEQUENCE SET; Schema: waitroom; Owner: postgres
--

SELECT pg_catalog.setval('waitroom.reroute_queue_entry_id_seq', 1, true);


--
-- Name: routing_plan_plan_no_seq; Type: SEQUENCE SET; Schema: waitroom; Owner: postgres
--

SELECT pg_catalog.setval('waitroom.routing_plan_plan_no_seq', 9, true);


--
-- PostgreSQL database dump complete
--

\unrestrict rVo0V3IBNxqvYZ5dPa4hE126BvbohSn9MthDfREZoYNHIIltQiwki1Bc2opfDsP

