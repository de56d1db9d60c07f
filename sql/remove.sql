/*
 * The deployment descriptor's REMOVE actions (the build puts them into pgwarden.ddr), run by
 * sqlj.remove_jar(..., undeploy => true) and, with the old jar's descriptor, by every
 * upgrade through sqlj.replace_jar(..., redeploy => true). They drop what the jar's code
 * needs and keep the operator's data (exemptions, policies, the audit log) and the role with
 * its members, so an upgrade loses neither. install/uninstall.sh removes the rest.
 * The DROP statements name the signatures of every release, so an upgrade from any release
 * removes that release's functions.
 */

DROP FUNCTION IF EXISTS warden.enforce(boolean);
DROP FUNCTION IF EXISTS warden.end_long_transactions(interval, interval, boolean);
DROP FUNCTION IF EXISTS warden.terminate_blockers(interval, interval, boolean);
DROP FUNCTION IF EXISTS warden.reap_idle_in_tx(interval, boolean, boolean);
DROP FUNCTION IF EXISTS warden.reap_idle_in_tx(interval, boolean);
DROP FUNCTION IF EXISTS warden.cancel_long_running(interval, boolean, interval, boolean);
DROP FUNCTION IF EXISTS warden.backend_report(boolean);
DROP FUNCTION IF EXISTS warden.enforce_json(boolean);
DROP FUNCTION IF EXISTS warden.end_long_transactions_json(interval, interval, boolean);
DROP FUNCTION IF EXISTS warden.terminate_blockers_json(interval, interval, boolean);
DROP FUNCTION IF EXISTS warden.reap_idle_in_tx_json(interval, boolean, boolean);
DROP FUNCTION IF EXISTS warden.reap_idle_in_tx_json(interval, boolean);
DROP FUNCTION IF EXISTS warden.cancel_long_running_json(interval, boolean, interval, boolean);
DROP FUNCTION IF EXISTS warden.backend_report_json(boolean);
DROP FUNCTION IF EXISTS warden.horizon_report();
DROP TYPE IF EXISTS warden.backend_row;
DROP TYPE IF EXISTS warden.horizon_row;
DROP TYPE IF EXISTS warden.action_row;
SELECT sqlj.set_classpath('warden', '');
REVOKE USAGE ON SCHEMA sqlj FROM warden_operator;
