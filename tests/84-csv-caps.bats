#!/usr/bin/env bats
# The cap on a field (1 MiB) and on a record (16 MiB) in CSV, as in TSV:
# a quoted field past it rejects its record alone, named by file, the line
# where the record starts, and field; reading goes on with the next record,
# and the reader holds no more than the record cap whatever the field's
# length.

bats_require_minimum_version 1.5.0
load helper

# quoted_csv FILE HEADER PREFIX BYTES [LINES] NEXT: HEADER, then a record of
# PREFIX and a quoted field of BYTES bytes of 'x' (after LINES short lines
# inside the quotes, when given), then the record NEXT.
quoted_csv() {
	{
		printf '%s\n%s"' "$2" "$3"
		i=0
		while [ "$i" -lt "${5:-0}" ]; do
			printf 'line %d\n' "$i"
			i=$((i + 1))
		done
		head -c "$4" /dev/zero | tr '\0' x
		printf '"\n%s\n' "$6"
	} >"$1"
}

# capped CMD...: CMD under a 27 MiB address space: room for a reader that
# holds at most a record of 16 MiB, not for one that holds a 40 MB field.
capped() {
	prlimit --as=$((27 << 20)) "$@"
}

@test "csv caps: crm-import rejects a 2 MB quoted field alone and keeps the next record" {
	quoted_csv in.csv customer_id,name C1, 2000000 0 C2,bob
	run --separate-stderr crm-import -k customers in.csv
	assert_failure 1
	assert_equal "$stderr" "$(printf 'crm-import: in.csv:2: name: field longer than 1048576 bytes\ncrm-import: 1 of 2 records rejected')"
	assert_output "$(printf 'customer_id\tname\nC2\tbob')"
}

@test "csv caps: crm-report value rejects a 2 MB quoted field alone and counts the next record" {
	quoted_csv tx.csv customer_id,date,amount C1,2026-01-03, 2000000 0 C2,2026-01-04,20.00
	run --separate-stderr crm-report value --table summary tx.csv
	assert_failure 1
	assert_equal "$stderr" "crm-report: tx.csv:2: amount: field longer than 1048576 bytes"
	assert_line "$(printf 'customers\t1')"
	assert_line "$(printf 'revenue\t20.00')"
}

@test "csv caps: crm-segment rejects a 2 MB quoted field alone and keeps the next customer" {
	quoted_csv tx.csv customer_id,date,amount C1,2026-01-03, 2000000 0 C2,2026-01-04,20.00
	run --separate-stderr crm-segment --as-of 2026-02-01 tx.csv
	assert_failure 1
	assert_equal "$stderr" "crm-segment: tx.csv:2: amount: field longer than 1048576 bytes"
	assert_equal "${#lines[@]}" 2
	assert_line -n 1 --partial "$(printf 'C2\t2026-01-04\t2026-01-04\t1\t')"
}

@test "csv caps: crm-complaint triage rejects a 2 MB quoted text alone and triages the next" {
	quoted_csv t.csv text '' 2000000 0 'so rude'
	run --separate-stderr crm-complaint triage t.csv
	assert_failure 1
	assert_equal "$stderr" "crm-complaint: t.csv:2: text: field longer than 1048576 bytes"
	assert_equal "${#lines[@]}" 2
	assert_line -n 1 --partial "$(printf 'so rude\tattitude\t')"
}

@test "csv caps: crm-log add --csv rejects a 2 MB quoted note alone and appends the next" {
	quoted_csv in.csv customer_id,channel,type,ts,note C1,email,inquiry,2026-01-01T00:00:00Z, 2000000 0 C2,email,inquiry,2026-01-02T00:00:00Z,ok
	run --separate-stderr crm-log add -f log.tsv --csv - <in.csv
	assert_failure 1
	assert_equal "$stderr" "crm-log: -:2: note: field longer than 1048576 bytes"
	run crm-log show -f log.tsv
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$(printf '%s\n' "${lines[1]}" | cut -f3,12)" "$(printf 'C2\tok')"
}

@test "csv caps: a bad multi-line quoted field is reported at the line where its record starts" {
	quoted_csv in.csv customer_id,name C1, 2000000 3 C2,bob
	run --separate-stderr crm-import -k customers in.csv
	assert_failure 1
	assert_equal "$stderr" "$(printf 'crm-import: in.csv:2: name: field longer than 1048576 bytes\ncrm-import: 1 of 2 records rejected')"
	assert_output "$(printf 'customer_id\tname\nC2\tbob')"
	quoted_csv tx.csv customer_id,date,amount C1,2026-01-03, 2000000 3 C2,2026-01-04,20.00
	run --separate-stderr crm-report value --table summary tx.csv
	assert_failure 1
	assert_equal "$stderr" "crm-report: tx.csv:2: amount: field longer than 1048576 bytes"
	assert_line "$(printf 'customers\t1')"
}

@test "csv caps: a 40 MB quoted field is read past in bounded memory by every CSV reader" {
	case "${CRM_BUILD:-build/rel}" in
	*san*) skip "the sanitizers reserve far more address space" ;;
	esac
	quoted_csv in.csv customer_id,name C1, 40000000 0 C2,bob
	run --separate-stderr capped crm-import -k customers in.csv
	assert_failure 1
	assert_equal "$stderr" "$(printf 'crm-import: in.csv:2: name: field longer than 1048576 bytes\ncrm-import: 1 of 2 records rejected')"
	assert_output "$(printf 'customer_id\tname\nC2\tbob')"
	quoted_csv tx.csv customer_id,date,amount C1,2026-01-03, 40000000 0 C2,2026-01-04,20.00
	run --separate-stderr capped crm-report value --table summary tx.csv
	assert_failure 1
	assert_equal "$stderr" "crm-report: tx.csv:2: amount: field longer than 1048576 bytes"
	assert_line "$(printf 'customers\t1')"
	run --separate-stderr capped crm-segment --as-of 2026-02-01 tx.csv
	assert_failure 1
	assert_equal "$stderr" "crm-segment: tx.csv:2: amount: field longer than 1048576 bytes"
	assert_line -n 1 --partial "$(printf 'C2\t2026-01-04\t')"
	# over a pipe, where no size is known beforehand
	run --separate-stderr sh -c 'cat in.csv | prlimit --as=$((27 << 20)) crm-import -k customers --csv --format csv -'
	assert_failure 1
	assert_line -n 1 C2,bob
}
