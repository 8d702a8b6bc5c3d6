#!/usr/bin/env bats
# The caps every reader holds (crm(7): a field of 1 MiB, a record of
# 16 MiB), tool by tool and reader by reader, under a limit on the address
# space: a field of 2 MB rejects its record alone, named by file, line and
# field; a line of 17 MB is read past without being held, and rejected the
# same way; reading goes on with the next record, and the exit status is 1.
#
# Each limit is the tool's own need measured on this input, plus a margin
# of 6 MiB or more, and stays well below what a reader holding the 17 MB
# line would need (its need on a small valid input plus 32 MiB, for a
# buffer grown by doubling).  Measured with prlimit --as, least MiB at
# which the tool gives its unlimited output (small input / this input):
#
#   crm-import TSV 5 / 20, CSV 5 / 8, through iconv
#     (--encoding) 7 / 22 and 7 / 10                            cap 27
#   crm-log add 7 / 22 (--csv 7 / 11), show, stats, check,
#     due 8 / 20                                                cap 28
#   crm-complaint open 15 / 30, triage 14 / 30 (the default
#     rules' JIT code), update, list 6 / 21, open --customers
#     15 / 23                                                   cap 36
#   crm-segment 27 / 42 (its aggregation's batches)             cap 48
#   crm-report satisfaction, channels, complaints, funnel
#     6 / 21                                                    cap 27
#   crm-report agents 6 / 30 (two inputs)                       cap 36
#   crm-report value, churn 26 / 39 (their aggregation's batches)
#                                                               cap 45
#   crm-report weekly 24 / 48 (four inputs, each with its long
#     field and line)                                           cap 54
#
# The sanitizers reserve terabytes of address space for their shadow
# memory, so no such limit can be set there: the same runs go uncapped,
# and still check every message, record and exit status.

bats_require_minimum_version 1.5.0
load helper

# hostile FILE HEADER REC2 PFX3 REC4 PFX5 REC6: HEADER, a valid record, a
# record whose last field is 2,000,000 bytes of 'x' after PFX3, a valid
# record, a line of 17,000,000 bytes (PFX5 and 'x'), a last valid record.
hostile() {
	{
		printf '%s\n%s\n%s' "$2" "$3" "$4"
		head -c 2000000 /dev/zero | tr '\0' x
		printf '\n%s\n%s' "$5" "$6"
		head -c 17000000 /dev/zero | tr '\0' x
		printf '\n%s\n' "$7"
	} >"$1"
}

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	hostile cust.tsv "$(printf 'customer_id\tname')" "$(printf 'C1\tann')" \
	    "$(printf 'C2\t')" "$(printf 'C3\tbo')" "$(printf 'C4\t')" \
	    "$(printf 'C5\tcy')"
	hostile cust.csv customer_id,name C1,ann C2, C3,bo C4, C5,cy
	hostile batch.tsv "$(printf 'customer_id\tchannel\ttype\tts\tnote')" \
	    "$(printf 'C1\tphone\tinquiry\t2026-01-01T00:00:00Z\tok')" \
	    "$(printf 'C2\tphone\tinquiry\t2026-01-02T00:00:00Z\t')" \
	    "$(printf 'C3\tphone\tcare\t2026-01-03T00:00:00Z\tok')" \
	    "$(printf 'C4\tphone\tinquiry\t2026-01-04T00:00:00Z\t')" \
	    "$(printf 'C5\tphone\tcare\t2026-01-05T00:00:00Z\tok')"
	tr '\t' , <batch.tsv >batch.csv
	hostile ix.tsv "$(printf 'id\tts\tcustomer_id\tchannel\ttype\tinitiator\tagent\tduration_s\toutcome\tsatisfaction\tnext_action\tnote')" \
	    "$(printf 'I1\t2026-01-01T00:00:00+00:00\tC1\tphone\tinquiry\t\tann\t\t\t5\t\tok')" \
	    "$(printf 'I2\t2026-01-02T00:00:00+00:00\tC2\tphone\tinquiry\t\tann\t\t\t\t\t')" \
	    "$(printf 'I3\t2026-01-03T00:00:00+00:00\tC3\tweb\tcare\t\tbo\t\t\t4\t\tok')" \
	    "$(printf 'I4\t2026-01-04T00:00:00+00:00\tC4\tphone\tinquiry\t\tann\t\t\t\t\t')" \
	    "$(printf 'I5\t2026-01-05T00:00:00+00:00\tC5\temail\tcare\t\tbo\t\t\t3\t\tok')"
	hostile cl.tsv "$(printf 'complaint_id\tts\tevent\tcustomer_id\tstatus\tcategory\tcause\tseverity\tpriority\tchannel\tagent\tdue_response\tdue_resolve\tsatisfaction\ttext')" \
	    "$(printf 'K1\t2026-01-01T00:00:00+00:00\topen\tC1\topen\t\t\tnormal\t\tweb\tann\t2026-01-02T00:00:00+00:00\t2026-01-04T00:00:00+00:00\t\tslow')" \
	    "$(printf 'K2\t2026-01-02T00:00:00+00:00\topen\tC2\topen\t\t\tnormal\t\tweb\tann\t\t\t\t')" \
	    "$(printf 'K1\t2026-01-03T00:00:00+00:00\trespond\t\tresponded\t\t\t\t\t\tann\t\t\t\tsorry')" \
	    "$(printf 'K3\t2026-01-04T00:00:00+00:00\topen\tC4\topen\t\t\tnormal\t\tweb\tann\t\t\t\t')" \
	    "$(printf 'K1\t2026-01-05T00:00:00+00:00\tresolve\t\tresolved\t\t\t\t\t\tann\t\t\t4\tfixed')"
	hostile cu.tsv "$(printf 'customer_id\tblacklist\tname')" \
	    "$(printf 'C1\tno\tann')" "$(printf 'C2\tno\t')" \
	    "$(printf 'C3\tyes\tbo')" "$(printf 'C4\tno\t')" \
	    "$(printf 'C5\tyes\tcy')"
	hostile texts.tsv text 'so rude' '' 'late delivery' '' 'broken on arrival'
	hostile tx.tsv "$(printf 'customer_id\tdate\tamount')" \
	    "$(printf 'C1\t2026-01-03\t10.00')" "$(printf 'C2\t2026-01-04\t')" \
	    "$(printf 'C3\t2026-01-05\t30.00')" "$(printf 'C4\t2026-01-06\t')" \
	    "$(printf 'C5\t2026-01-07\t50.00')"
	hostile sv.tsv "$(printf 'customer_id\tdate\tinstrument\tscore\tagent')" \
	    "$(printf 'C1\t2026-01-03\tcsat\t5\tann')" \
	    "$(printf 'C2\t2026-01-04\tcsat\t4\t')" \
	    "$(printf 'C3\t2026-01-05\tcsat\t3\tbo')" \
	    "$(printf 'C4\t2026-01-06\tcsat\t4\t')" \
	    "$(printf 'C5\t2026-01-07\tcsat\t2\tbo')"
	hostile fu.tsv "$(printf 'customer_id\tstatus\tname')" \
	    "$(printf 'C1\tpotential\tann')" "$(printf 'C2\tintent\t')" \
	    "$(printf 'C3\tcustomer\tbo')" "$(printf 'C4\tintent\t')" \
	    "$(printf 'C5\tlost\tcy')"
}

setup() {
	T="$BATS_TEST_TMPDIR"
	F="$BATS_FILE_TMPDIR"
	cd "$F" || return 1
	X60=$(head -c 60 /dev/zero | tr '\0' x)
}

# capped MIB CMD...: CMD under an address space of MIB MiB (uncapped
# under the sanitizers, see the top of this file).
capped() {
	local mib=$1
	shift
	case "${CRM_BUILD:-build/rel}" in
	*san*) "$@" ;;
	*) prlimit --as=$((mib << 20)) "$@" ;;
	esac
}

# The messages of a TSV reader for FILE whose long field is FIELD.
tsv_msgs() {
	printf '%s: %s:3: %s: field longer than 1048576 bytes '"'"'%s...'"'"'\n' "$1" "$2" "$3" "$X60"
	printf '%s: %s:5: record longer than 16777216 bytes' "$1" "$2"
}

@test "caps: crm-import reads a TSV export past a 2 MB field and a 17 MB line in 27 MiB" {
	run --separate-stderr capped 27 crm-import -k customers cust.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-import cust.tsv name; printf '\ncrm-import: 2 of 5 records rejected')"
	assert_output "$(printf 'customer_id\tname\nC1\tann\nC3\tbo\nC5\tcy')"
	# and through iconv, from a legacy encoding
	run --separate-stderr capped 27 crm-import -k customers --encoding gb18030 cust.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-import cust.tsv name; printf '\ncrm-import: 2 of 5 records rejected')"
	assert_output "$(printf 'customer_id\tname\nC1\tann\nC3\tbo\nC5\tcy')"
}

@test "caps: crm-import reads a CSV export past a 2 MB field and a 17 MB line in 27 MiB" {
	run --separate-stderr capped 27 crm-import -k customers cust.csv
	assert_failure 1
	assert_equal "$stderr" "$(printf '%s\n' \
	    "crm-import: cust.csv:3: name: field longer than 1048576 bytes '$X60...'" \
	    "crm-import: cust.csv:5: name: field longer than 1048576 bytes" \
	    "crm-import: 2 of 5 records rejected")"
	assert_output "$(printf 'customer_id\tname\nC1\tann\nC3\tbo\nC5\tcy')"
	run --separate-stderr capped 27 crm-import -k customers --encoding gb18030 cust.csv
	assert_failure 1
	assert_equal "${#stderr_lines[@]}" 3
	assert_output "$(printf 'customer_id\tname\nC1\tann\nC3\tbo\nC5\tcy')"
	# and over a pipe, where no size is known beforehand
	run --separate-stderr capped 27 sh -c 'cat cust.csv | crm-import -k customers --csv -'
	assert_failure 1
	assert_equal "${#stderr_lines[@]}" 3
	assert_output "$(printf 'customer_id\tname\nC1\tann\nC3\tbo\nC5\tcy')"
}

@test "caps: crm-log add - appends the records around a 2 MB note and a 17 MB line in 28 MiB" {
	run --separate-stderr capped 28 crm-log add -f "$T/log.tsv" - <batch.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-log - note)"
	assert_equal "$(cut -f3,12 "$T/log.tsv")" "$(printf 'customer_id\tnote\nC1\tok\nC3\tok\nC5\tok')"
	run --separate-stderr capped 28 crm-log add -f "$T/csv.tsv" --csv - <batch.csv
	assert_failure 1
	assert_equal "$stderr" "$(printf '%s\n' \
	    "crm-log: -:3: note: field longer than 1048576 bytes '$X60...'" \
	    "crm-log: -:5: note: field longer than 1048576 bytes")"
	assert_equal "$(cut -f3,12 "$T/csv.tsv")" "$(printf 'customer_id\tnote\nC1\tok\nC3\tok\nC5\tok')"
}

@test "caps: crm-log show, stats, check and due read past a 2 MB note and a 17 MB line in 28 MiB" {
	msgs=$(printf '%s\n' "crm-log: ix.tsv:3: note: field longer than 1048576 bytes" \
	    "crm-log: ix.tsv:5: record longer than 16777216 bytes")
	run --separate-stderr capped 28 crm-log show -f ix.tsv
	assert_failure 1
	assert_equal "$stderr" "$msgs"
	assert_equal "$(printf '%s\n' "$output" | cut -f1)" "$(printf 'id\nI1\nI3\nI5')"
	run --separate-stderr capped 28 crm-log stats -f ix.tsv
	assert_failure 1
	assert_equal "$stderr" "$msgs"
	assert_output "$(printf 'dimension\tvalue\tcount\nchannel\tphone\t1\nchannel\temail\t1\nchannel\tweb\t1\ntype\tinquiry\t1\ntype\tcare\t2')"
	run --separate-stderr capped 28 crm-log check -f ix.tsv
	assert_failure 1
	assert_equal "$stderr" "$msgs"
	assert_output ""
	run --separate-stderr capped 28 crm-log due -f ix.tsv --as-of 2026-12-31
	assert_failure 1
	assert_equal "$stderr" "$msgs"
	assert_equal "$(printf '%s\n' "$output" | cut -f1)" "$(printf 'customer_id\nC1\nC3\nC5')"
}

@test "caps: crm-complaint open and update record their event past a 2 MB text and a 17 MB line in 36 MiB" {
	cp cl.tsv "$T/cl.tsv"
	chmod 600 "$T/cl.tsv"
	run --separate-stderr capped 36 crm-complaint open -f "$T/cl.tsv" -c C9 \
	    --channel web --text 'rude staff' --ts 2026-01-06T00:00:00Z
	assert_success
	assert_equal "$stderr" "crm-complaint: $T/cl.tsv:3: text: field longer than 1048576 bytes '$X60...' (line skipped, and 1 more bad line)"
	assert_line -n 1 --partial "$(printf '\tC9\tattitude\tprocess\tnormal\t3\t')"
	run --separate-stderr capped 36 crm-complaint update -f "$T/cl.tsv" K1 \
	    --event close --ts 2026-01-07T00:00:00Z
	assert_success
	assert_equal "$stderr" "crm-complaint: $T/cl.tsv:3: text: field longer than 1048576 bytes '$X60...' (line skipped, and 1 more bad line)"
	assert_equal "$(tail -n 1 "$T/cl.tsv" | cut -f1,3,5)" "$(printf 'K1\tclose\tclosed')"
}

@test "caps: crm-complaint open --customers says each line it cannot read, in 36 MiB" {
	msgs=$(tsv_msgs crm-complaint cu.tsv name)
	run --separate-stderr capped 36 crm-complaint open -f "$T/cl.tsv" -c C5 \
	    --customers cu.tsv --text 'rude staff' --ts 2026-01-06T00:00:00Z
	assert_success
	assert_equal "$stderr" "$(printf '%s\n%s' "$msgs" "crm-complaint: cu.tsv:6: customer 'C5' is blacklisted; the complaint is recorded as any other")"
	assert_equal "$(wc -l <"$T/cl.tsv")" 2
	# a customer known only by a line that cannot be read is unknown
	run --separate-stderr capped 36 crm-complaint open -f "$T/cl.tsv" -c C2 \
	    --customers cu.tsv --text 'rude staff' --ts 2026-01-06T00:00:00Z
	assert_failure 1
	assert_equal "$stderr" "$(printf '%s\n%s' "$msgs" "crm-complaint: unknown customer 'C2' (not in cu.tsv)")"
	assert_equal "$(wc -l <"$T/cl.tsv")" 2
}

@test "caps: crm-complaint list folds the events around a 2 MB text and a 17 MB line in 36 MiB" {
	run --separate-stderr capped 36 crm-complaint list -f cl.tsv --as-of 2026-01-10T00:00:00Z
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-complaint cl.tsv text)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,4,11,12)" "$(printf 'complaint_id\tstatus\tresponded\tresolved\nK1\tresolved\t2026-01-03T00:00:00+00:00\t2026-01-05T00:00:00+00:00')"
}

@test "caps: crm-complaint triage with the default rules reads past a 2 MB text and a 17 MB line in 36 MiB" {
	run --separate-stderr capped 36 crm-complaint triage texts.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-complaint texts.tsv text)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,2)" "$(printf 'text\tcategory\nso rude\tattitude\nlate delivery\tdelivery\nbroken on arrival\tquality')"
}

@test "caps: crm-segment reads transactions, --interactions and --complaints past a 2 MB field and a 17 MB line in 48 MiB" {
	run --separate-stderr capped 48 crm-segment --as-of 2026-02-01 \
	    --interactions ix.tsv --complaints cl.tsv tx.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-segment tx.tsv amount; echo; tsv_msgs crm-segment ix.tsv note; echo; tsv_msgs crm-segment cl.tsv text)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,6,19,22)" "$(printf 'customer_id\trevenue\tcontacts\tcomplaints\nC1\t10.00\t1\t1\nC3\t30.00\t1\t0\nC5\t50.00\t1\t0')"
}

@test "caps: crm-report satisfaction, channels, complaints and funnel read past a 2 MB field and a 17 MB line in 27 MiB" {
	run --separate-stderr capped 27 crm-report satisfaction --table csat sv.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-report sv.tsv agent)"
	assert_output "$(printf 'group\tresponses\tsatisfied\tcsat\tmean\nall\t3\t1\t0.3333\t3.33')"
	run --separate-stderr capped 27 crm-report channels --table channel ix.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-report ix.tsv note)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,2)" "$(printf 'channel\tinteractions\nemail\t1\nphone\t1\nweb\t1\ntotal\t3')"
	run --separate-stderr capped 27 crm-report complaints --as-of 2026-02-01T00:00:00Z --table summary cl.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-report cl.tsv text)"
	assert_line -n 1 "$(printf 'complaints\t1')"
	assert_line -n 4 "$(printf 'resolved\t1')"
	run --separate-stderr capped 27 crm-report funnel --table funnel fu.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-report fu.tsv name)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,2)" "$(printf 'stage\tcustomers\npotential\t1\nintent\t0\ncustomer\t1\nlost\t1\ntotal\t3')"
}

@test "caps: crm-report agents reads interactions and --complaints past a 2 MB field and a 17 MB line in 36 MiB" {
	run --separate-stderr capped 36 crm-report agents --as-of 2026-02-01T00:00:00Z \
	    --table agents --complaints cl.tsv ix.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-report ix.tsv note; echo; tsv_msgs crm-report cl.tsv text)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,2,7)" "$(printf 'agent\tinteractions\tcomplaints\nann\t1\t1\nbo\t2\t0')"
}

@test "caps: crm-report value and churn read past a 2 MB amount and a 17 MB line in 45 MiB" {
	run --separate-stderr capped 45 crm-report value --table summary tx.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-report tx.tsv amount)"
	assert_line -n 1 "$(printf 'customers\t3')"
	assert_line -n 3 "$(printf 'revenue\t90.00')"
	run --separate-stderr capped 45 crm-report churn --as-of 2026-02-01 tx.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-report tx.tsv amount)"
	assert_line -n 1 "$(printf '2026-01\t0\t3\t0\t0\t3\t\t0.00\t1')"
}

@test "caps: crm-report weekly reads all four inputs past a 2 MB field and a 17 MB line each, in 54 MiB" {
	# the week 2026-W01 (2025-12-29 to 2026-01-04): I1 and I3, K1 opened
	# and answered a day late, C1's survey and purchase; the records with
	# the long field or on the long line are rejected, the rest counted
	run --separate-stderr capped 54 crm-report weekly \
	    --as-of 2026-01-05T00:00:00Z --table summary --complaints cl.tsv \
	    --surveys sv.tsv --transactions tx.tsv ix.tsv
	assert_failure 1
	assert_equal "$stderr" "$(tsv_msgs crm-report ix.tsv note; echo
	    tsv_msgs crm-report cl.tsv text; echo
	    tsv_msgs crm-report sv.tsv agent; echo
	    tsv_msgs crm-report tx.tsv amount)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,2 | head -9)" "$(printf 'metric\tthis_week\ncontacts\t2\ncomplaints_opened\t1\ncomplaints_resolved\t0\ncomplaints_overdue\t1\nresponse_sla\t0.0000\nresolution_sla\t0.0000\ncsat_responses\t1\ncsat\t1.0000')"
	assert_line "$(printf 'customers_new\t1\t0\t1\tcount')"
}
