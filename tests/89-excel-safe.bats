#!/usr/bin/env bats
# --excel-safe across the tools: every CSV writer protects a cell that
# starts with = + - @ (a quote and a leading apostrophe), and every
# command or format that writes no CSV refuses the option (exit 2).

load helper
bats_require_minimum_version 1.5.0

# An interaction log whose customer, agent, outcome and note each start
# with a formula character.
mklog() {
	crm-log add -f i.tsv -c '=C1' --channel phone --type inquiry \
	    --agent '+A1' --outcome '@y' --note '-x' --satisfaction 4 \
	    --campaign '=K' \
	    --ts 2026-11-01T09:00:00Z >/dev/null
}

@test "excel-safe: crm-import protects every formula-like cell of its CSV" {
	mklog
	run sh -c 'crm-import -k interactions --format csv --excel-safe i.tsv | cut -d, -f2-'
	assert_success
	assert_output "$(printf '%s\n%s' 'ts,customer_id,channel,type,initiator,agent,duration_s,outcome,satisfaction,next_action,note,campaign' \
	    "2026-11-01T09:00:00+00:00,\"'=C1\",phone,inquiry,,\"'+A1\",,\"'@y\",4,,\"'-x\",\"'=K\"")"
	run crm-import -k interactions --format tsv --excel-safe i.tsv
	assert_failure 2
	assert_line --index 0 "crm-import: --excel-safe needs --format csv"
}

@test "excel-safe: crm-log show, due and stats protect their CSV" {
	mklog
	run sh -c 'crm-log show -f i.tsv --format csv --excel-safe | cut -d, -f2-'
	assert_success
	assert_output "$(printf '%s\n%s' 'ts,customer_id,channel,type,initiator,agent,duration_s,outcome,satisfaction,next_action,note,campaign' \
	    "2026-11-01T09:00:00+00:00,\"'=C1\",phone,inquiry,,\"'+A1\",,\"'@y\",4,,\"'-x\",\"'=K\"")"
	run crm-log due -f i.tsv --as-of 2026-12-31 --format csv --excel-safe
	assert_success
	assert_output "$(printf '%s\n%s' 'customer_id,due,reason,last_contact' "\"'=C1\",2026-12-01,return_visit,2026-11-01")"
	run crm-log stats -f i.tsv --format csv --excel-safe
	assert_success
	assert_output "$(printf '%s\n' 'dimension,value,count' 'channel,phone,1' 'type,inquiry,1')"
}

@test "excel-safe: crm-log protects the timeline's CSV and refuses it where it writes no CSV" {
	mklog
	# the timeline writes CSV with --format csv, and protects it
	run crm-log show -f i.tsv -c '=C1' --timeline --format csv --excel-safe
	assert_success
	assert_line --index 0 'ts,source,id,event,channel,agent,category,satisfaction,amount,note'
	assert_line --index 1 --regexp "^2026-11-01T09:00:00\+00:00,interaction,I[0-9A-Z]+,inquiry,phone,\"'\\+A1\",,4,,\"'-x\"\$"
	run crm-log show -f i.tsv --format jsonl --excel-safe
	assert_failure 2
	assert_output "crm-log: --excel-safe applies to --format csv only"
	run crm-log add -f i.tsv --excel-safe -c C2 --channel phone --type inquiry
	assert_failure 2
	assert_line --index 0 "add: unrecognized option '--excel-safe'"
	run crm-log check --excel-safe i.tsv
	assert_failure 2
	assert_line --index 0 "check: unrecognized option '--excel-safe'"
	assert_equal "$(wc -l <i.tsv)" 2
}

@test "excel-safe: crm-complaint open, triage and list protect their CSV" {
	run sh -c "crm-complaint open -f k.tsv -c '=C1' --agent '+A1' --text 'late -x' --ts 2026-11-01T09:00:00Z --format csv --excel-safe | cut -d, -f2-"
	assert_success
	assert_output "$(printf '%s\n%s' 'customer_id,category,cause,severity,priority,owner,due_response,due_resolve,matched' \
	    "\"'=C1\",other,,normal,3,\"'+A1\",2026-11-02T09:00:00+00:00,2026-11-04T09:00:00+00:00,")"
	run sh -c "crm-complaint list -f k.tsv --as-of 2026-11-02T00:00:00Z --format csv --excel-safe | cut -d, -f2,8"
	assert_success
	assert_output "$(printf '%s\n%s' 'customer_id,owner' "\"'=C1\",\"'+A1\"")"
	printf 'customer_id,text\n@C2,rude\n-C3,rude\n' >t.csv
	run sh -c 'crm-complaint triage --format csv --excel-safe t.csv | cut -d, -f1'
	assert_success
	assert_output "$(printf '%s\n' customer_id "\"'@C2\"" "\"'-C3\"")"
}

@test "excel-safe: crm-complaint update and learn, which write no CSV, refuse it" {
	crm-complaint open -f k.tsv -c C1 --text x --ts 2026-11-01T09:00:00Z >/dev/null
	id=$(awk -F'\t' 'NR == 2 { print $1 }' k.tsv)
	cp k.tsv before.tsv
	run crm-complaint update -f k.tsv "$id" --event respond --format csv --excel-safe
	assert_failure 2
	assert_output "crm-complaint: --excel-safe: update writes no CSV"
	cmp k.tsv before.tsv
	run crm-complaint learn --excel-safe k.tsv
	assert_failure 2
	assert_output "crm-complaint: --excel-safe: learn writes no CSV"
	run crm-complaint open -f k.tsv -c C2 --text x --excel-safe
	assert_failure 2
	assert_output "crm-complaint: --excel-safe applies to --format csv only"
	cmp k.tsv before.tsv
}

@test "excel-safe: crm-segment protects its CSV and refuses it with --partial and --print-params" {
	printf 'customer_id\tdate\tamount\n=C1\t2026-01-01\t10\n+C2\t2026-01-02\t-5\n' >tx.tsv
	run sh -c 'crm-segment --as-of 2026-02-01 --format csv --excel-safe tx.tsv | cut -d, -f1,6'
	assert_success
	assert_output "$(printf '%s\n' customer_id,revenue "\"'+C2\",-5.00" "\"'=C1\",10.00")"
	run crm-segment --partial --format csv --excel-safe tx.tsv
	assert_failure 2
	assert_output "crm-segment: --excel-safe: --partial writes TSV only"
	run crm-segment --print-params --churn-model bgnbd --format csv --excel-safe tx.tsv
	assert_failure 2
	assert_output "crm-segment: --excel-safe: --print-params writes TSV only"
	run crm-segment --excel-safe tx.tsv
	assert_failure 2
	assert_output "crm-segment: --excel-safe applies to --format csv only"
}

@test "excel-safe: crm-report protects its CSV and refuses it with --partial" {
	mklog
	run crm-report satisfaction --by agent --table csat --format csv --excel-safe i.tsv
	assert_success
	assert_output "$(printf '%s\n' group,responses,satisfied,csat,mean "\"'+A1\",1,1,1.0000,4.00" total,1,1,1.0000,4.00)"
	run crm-report channels --partial --format csv --excel-safe i.tsv
	assert_failure 2
	assert_output "crm-report: --excel-safe: --partial writes TSV only"
	run crm-report channels --format md --excel-safe i.tsv
	assert_failure 2
	assert_output "crm-report: --excel-safe needs --format csv"
}
