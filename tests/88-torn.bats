#!/usr/bin/env bats
# Every reader of a store file skips a torn tail (the half line a crash
# leaves) with one warning, and never counts a record an append has half
# written: it reads up to the last whole line as of opening, found under
# the shared lock that appends exclude.

load helper
bats_require_minimum_version 1.5.0

setup() {
	T="$BATS_TEST_TMPDIR"
	cd "$T" || return 1
	export CRM_AS_OF=2026-11-30T12:00:00+08:00
	printf 'customer_id\tdate\tamount\nC1\t2026-11-01\t10.00\nC2\t2026-11-02\t20.00\n' >tx.tsv
	crm-log add -f il.tsv -c C1 --channel phone --type inquiry --note one \
	    --ts 2026-11-01T10:00:00+08:00 >/dev/null
	crm-complaint open -f c.tsv -c C1 --text 'the car broke down twice' \
	    --ts 2026-11-02T10:00:00+08:00 >/dev/null
	cp tx.tsv tx.whole
	cp il.tsv il.whole
	cp c.tsv c.whole
	printf 'C3\t2026-11-0' >>tx.tsv
	printf 'I20261103T000000000000ABCD\t2026-11-03T10:00:00+08:00\tC3\tph' >>il.tsv
	printf 'K20261103T000000000000ABCD\t2026-11-03T10:00:00+08:00\topen\tC3' >>c.tsv
}

# same_as_whole CMD...: CMD over the torn files prints what it prints over
# the whole ones, exits the same, and warns once per torn file
same_as_whole() {
	local n=$1
	shift
	run --separate-stderr "$@"
	local torn_out=$output torn_err=$stderr torn_rc=$status
	mv tx.tsv tx.torn && cp tx.whole tx.tsv
	mv il.tsv il.torn && cp il.whole il.tsv
	mv c.tsv c.torn && cp c.whole c.tsv
	run --separate-stderr "$@"
	[ "$torn_out" = "$output" ] || { echo "output differs"; diff <(echo "$torn_out") <(echo "$output"); return 1; }
	[ "$torn_rc" = "$status" ]
	[ -z "$stderr" ]
	[ "$(grep -c 'torn last line ignored' <<<"$torn_err")" -eq "$n" ] || { echo "$torn_err"; return 1; }
	[ "$(grep -vc 'torn last line ignored' <<<"$torn_err")" -eq 0 ] || { echo "$torn_err"; return 1; }
}

@test "torn: crm-report value skips a torn transactions tail, naming the bytes" {
	run --separate-stderr crm-report value tx.tsv
	[ "$stderr" = "crm-report: tx.tsv: torn last line ignored (12 bytes after the last newline)" ]
	same_as_whole 1 crm-report value tx.tsv
}

@test "torn: crm-report channels skips a torn interaction-log tail" {
	same_as_whole 1 crm-report channels il.tsv
}

@test "torn: crm-report complaints skips a torn complaint-log tail" {
	same_as_whole 1 crm-report complaints c.tsv
}

@test "torn: crm-segment skips torn tails of transactions, --interactions and --complaints" {
	same_as_whole 3 crm-segment --as-of 2026-11-30 --interactions il.tsv \
	    --complaints c.tsv tx.tsv
}

@test "torn: crm-complaint list skips a torn complaint-log tail" {
	same_as_whole 1 crm-complaint list -f c.tsv
}

@test "torn: crm-report agents skips torn tails of its interactions and --complaints logs" {
	same_as_whole 2 crm-report agents --complaints c.tsv il.tsv
	# a torn event with all its fields, cut in its text, is not counted
	cp c.whole c.tsv
	printf 'K20261103T000000000000ABCD\t2026-11-03T10:00:00+08:00\topen\tC3\topen\t\t\tnormal\t3\tweb\t\t\t\t\thalf-wri' >>c.tsv
	run --separate-stderr crm-report agents --table agents --complaints c.tsv il.whole
	assert_success
	assert_equal "$stderr" "crm-report: c.tsv: torn last line ignored (93 bytes after the last newline)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,7)" "$(printf 'agent\tcomplaints\n(none)\t1')"
}

@test "torn: the customers, segments and training files crm-log and crm-complaint read leave a torn tail out" {
	printf 'customer_id\tblacklist\nC1\tno\n' >cust.tsv
	printf 'C3\tyes' >>cust.tsv
	run --separate-stderr crm-log due -f il.whole --customers cust.tsv --as-of 2026-12-31
	assert_success
	assert_equal "$stderr" "crm-log: cust.tsv: torn last line ignored (6 bytes after the last newline)"
	run --separate-stderr crm-complaint open -f c.whole -c C3 --customers cust.tsv \
	    --text late --ts 2026-11-04T10:00:00+08:00
	assert_failure 1
	assert_equal "$stderr" "$(printf '%s\n' "crm-complaint: cust.tsv: torn last line ignored (6 bytes after the last newline)" \
	    "crm-complaint: unknown customer 'C3' (not in cust.tsv)")"
	# crm-segment and crm-report read it the same way: C3 stays unknown
	printf 'customer_id\tdate\tamount\nC1\t2026-11-01\t10.00\nC3\t2026-11-02\t5.00\n' >t3.tsv
	run --separate-stderr crm-segment --as-of 2026-11-30 --customers cust.tsv t3.tsv
	assert_success
	assert_equal "$stderr" "crm-segment: cust.tsv: torn last line ignored (6 bytes after the last newline)"
	assert_equal "$(printf '%s\n' "$output" | awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "blacklist") b = i } { print $1 "\t" $b }')" "$(printf 'customer_id\tblacklist\nC1\t0\nC3\t(unknown)')"
	run --separate-stderr crm-report value --customers cust.tsv --by blacklist --table summary t3.tsv
	assert_success
	assert_equal "$stderr" "crm-report: cust.tsv: torn last line ignored (6 bytes after the last newline)"
	# a torn platinum tier does not raise a priority
	printf 'customer_id\ttier\nC1\tlead\n' >seg.tsv
	printf 'C3\tplatinum' >>seg.tsv
	printf 'customer_id\ttext\nC3\tso rude\n' >in.tsv
	run --separate-stderr crm-complaint triage --segments seg.tsv in.tsv
	assert_success
	assert_equal "$stderr" "crm-complaint: seg.tsv: torn last line ignored (11 bytes after the last newline)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,6)" "$(printf 'customer_id\tpriority\nC3\t3')"
	# a model learnt from a torn log is the one learnt from the whole log
	printf 'text\tcategory\ncharged twice\tbilling\nlate again\tdelivery\n' >learn.tsv
	cp learn.tsv learn.whole
	printf 'broken screen\tqual' >>learn.tsv
	crm-complaint learn -o whole.model learn.whole
	run --separate-stderr crm-complaint learn -o torn.model learn.tsv
	assert_success
	assert_equal "$stderr" "crm-complaint: learn.tsv: torn last line ignored (18 bytes after the last newline)"
	cmp torn.model whole.model
}

@test "torn: a report racing a paused append never counts the half-written record" {
	cp il.whole il.tsv
	before=$(crm-report channels --table channel il.tsv)
	size=$(stat -c %s il.tsv)
	CRM_TEST_PAUSE_WRITE=3 crm-log add -f il.tsv -c C9 --channel sms \
	    --type care --note 'half of me' --ts 2026-11-04T10:00:00+08:00 >/dev/null &
	pid=$!
	while [ "$(stat -c %s il.tsv)" -eq "$size" ]; do sleep 0.05; done
	# half of the record is on disk now, under the writer's lock
	run --separate-stderr crm-report channels --table channel il.tsv
	assert_success
	[ -z "$stderr" ]
	during=$output
	wait "$pid"
	after=$(crm-report channels --table channel il.tsv)
	[ "$before" != "$after" ]
	[ "$during" = "$before" ] || [ "$during" = "$after" ] || {
		echo "during: $during"; return 1; }
	grep -q '^sms' <<<"$after"
}

@test "torn: a header a reader cannot take is fatal, said once, in crm-report and crm-segment" {
	python3 -c "print('\t'.join('c%d' % i for i in range(70000)))" >wide.tsv
	run --separate-stderr crm-report value wide.tsv
	assert_failure 2
	[ "$stderr" = "crm-report: wide.tsv:1: more than 65536 fields" ]
	[ -z "$output" ]
	run --separate-stderr crm-segment wide.tsv
	assert_failure 2
	[ "$stderr" = "crm-segment: wide.tsv:1: more than 65536 fields" ]
}

@test "torn: a column named twice is refused by every reader, not silently the first" {
	printf 'customer_id\tdate\tamount\tamount\nC1\t2026-11-01\t1.00\t2.00\n' >dup.tsv
	for t in "crm-report value" "crm-segment" "crm-import -k transactions"; do
		run --separate-stderr $t dup.tsv
		assert_failure 2
		[ "$stderr" = "${t%% *}: dup.tsv:1: column 'amount' appears twice" ]
	done
	# empty names, as trailing delimiters leave them, are not names
	printf 'customer_id\tdate\tamount\t\t\nC1\t2026-11-01\t1.00\t\t\n' >trail.tsv
	run crm-report value --table summary trail.tsv
	assert_success
	assert_line "revenue	1.00"
}

@test "torn: the hint of every writer names a command that repairs that kind of store file" {
	for f in tx il c; do
		run crm-log check -f $f.tsv
		assert_failure 1
		assert_output --regexp "^crm-log: $f.tsv:[0-9]+: torn last line \([0-9]+ bytes after the last newline\); 'crm-log check --repair -f $f.tsv' cuts it off\$"
	done
	printf 'customer_id,date,amount\nC4,2026-11-04,4\n' >more.csv
	run crm-import -k transactions --append tx.tsv more.csv
	assert_failure 2
	assert_output "crm-import: tx.tsv: torn last line (12 bytes after the last newline, left by an interrupted write); 'crm-log check --repair -f tx.tsv' cuts it off"
	run crm-complaint open -f c.tsv -c C2 --text late --ts 2026-11-04T10:00:00+08:00
	assert_failure 2
	assert_output "crm-complaint: c.tsv: torn last line (60 bytes after the last newline, left by an interrupted write); 'crm-log check --repair -f c.tsv' cuts it off"
	for f in tx il c; do
		run crm-log check --repair -f $f.tsv
		assert_success
		assert_output --regexp "^crm-log: $f.tsv: cut off a torn last line \([0-9]+ bytes\), kept in $f.tsv.torn\$"
		cmp $f.tsv $f.whole
		run crm-log check -f $f.tsv
		assert_success
		assert_output ''
	done
	run crm-import -k transactions --append tx.tsv more.csv
	assert_success
	run crm-complaint open -f c.tsv -c C2 --text late --ts 2026-11-04T10:00:00+08:00
	assert_success
	run crm-log check -f c.tsv
	assert_success
}

@test "torn: crm-log check reports the bad lines of a complaint log and a transactions file by their kind" {
	cp c.whole c.tsv
	printf 'K1\t2026-11-31T10:00:00+08:00\topen\t\t\t\t\t\t9\n' >>c.tsv
	printf 'K2\t2026-11-03T10:00:00+08:00\tfly\t\t\t\t\t\t\t\t\t\t\t\t\n' >>c.tsv
	run crm-log check -f c.tsv
	assert_failure 1
	assert_output "$(printf '%s\n' "crm-log: c.tsv:3: wrong field count 9 (expected 15)" \
	    "crm-log: c.tsv:4: event: unknown event (accepted: open, classify, assign, respond, resolve, reopen, close) 'fly'")"
	printf 'amount\tcustomer_id\tdate\tnote\n5.00\tC1\t2026-11-01\tany text\nlots\tC2\t2026-13-01\t\n' >t2.tsv
	run crm-log check -f t2.tsv
	assert_failure 1
	assert_line --index 0 --regexp "^crm-log: t2.tsv:3: amount: .* 'lots'\$"
	assert_line --index 1 --regexp "^crm-log: t2.tsv:3: date: .* '2026-13-01'\$"
	assert_equal "${#lines[@]}" 2
	# a header of no kind is still the interaction log's header, wrong
	printf 'a\tb\n1\t2\n' >x.tsv
	run crm-log check -f x.tsv
	assert_failure 1
	assert_line --index 0 "crm-log: x.tsv:1: header: not the interactions header 'a\tb' (expected id, ts, customer_id, channel, type, initiator, agent, duration_s, outcome, satisfaction, next_action, note, campaign; campaign may be missing)"
}
