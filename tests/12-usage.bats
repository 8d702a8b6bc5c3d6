#!/usr/bin/env bats
# The usage text of every tool: --help on standard output, exit 0, and a
# failed write of it (a full disk) is an error, exit 2; a usage error
# prints it on standard error, exit 2.  A bad CRM_AS_OF is named as the
# variable, with its value.

load helper

@test "usage: --help to a full disk fails with exit 2 in crm-import and crm-complaint" {
	for t in crm-import crm-complaint; do
		run "$t" --help
		assert_success
		assert_line -n 0 --partial "usage: $t"
		run sh -c "$t --help >/dev/full"
		assert_failure 2
		assert_output "$t: standard output: No space left on device"
	done
}

@test "usage: a bad option prints the usage on standard error, exit 2" {
	run sh -c 'crm-import --no-such-option 2>&1 >/dev/null'
	assert_line --partial "usage: crm-import -k kind"
	run crm-import --no-such-option
	assert_failure 2
	run sh -c 'crm-complaint triage --no-such-option 2>&1 >/dev/null'
	assert_line --partial "usage: crm-complaint open"
}

@test "usage: a bad CRM_AS_OF is named with its value by crm-complaint" {
	printf 'complaint_id\tts\tevent\n' >log.tsv
	CRM_AS_OF=bogus run crm-complaint list -f log.tsv
	assert_failure 2
	assert_output --partial "crm-complaint: CRM_AS_OF: "
	assert_output --partial "'bogus'"
}

# A locale whose decimal sign is a comma (de_DE), built for the test from
# the locales package's sources; numbers must still be written with a
# decimal point, so a file means the same whoever wrote it.  (crm-log
# writes counts and whole seconds only.)
@test "usage: fractions are written with a decimal point under a locale whose decimal sign is a comma" {
	[ -f /usr/share/i18n/locales/de_DE ] && command -v localedef >/dev/null ||
		skip "no locale sources (package locales)"
	mkdir -p loc
	localedef -i de_DE -f UTF-8 loc/de_DE.UTF-8 2>/dev/null || true
	[ -d loc/de_DE.UTF-8 ] || skip "localedef could not build de_DE.UTF-8"
	F="$BATS_TEST_DIRNAME/fixtures"
	# the locale really has a comma: printf(1) follows LC_NUMERIC
	run env LOCPATH="$PWD/loc" LC_ALL=de_DE.UTF-8 printf '%.1f' 0,5
	assert_output "0,5"
	crm-complaint learn -o m.model "$F/complaint/learn.tsv" >/dev/null
	printf 'text\nparcel never came and courier rude\nmy bill is wrong again\n' >t.tsv
	set -- \
	    "crm-complaint triage --no-default-rules --rules $F/complaint/redos.tsv --model m.model t.tsv" \
	    "crm-complaint learn --evaluate 3 $F/complaint/learn.tsv" \
	    "crm-report satisfaction $F/report/surveys.tsv" \
	    "crm-report channels $F/report/interactions.tsv" \
	    "crm-report value $F/report/tx.tsv" \
	    "crm-segment --as-of 2026-11-30 $F/segment/tx.tsv" \
	    "crm-import -k transactions --compute amount=amount*1.5 $F/report/tx.tsv"
	for c in "$@"; do
		LC_ALL=C.UTF-8 sh -c "$c" >c.out 2>&1
		LOCPATH="$PWD/loc" LC_ALL=de_DE.UTF-8 sh -c "$c" >de.out 2>&1
		cmp -s c.out de.out || fail "$c: $(diff c.out de.out | head -4)"
		grep -q '[0-9]\.[0-9]' c.out || fail "$c: no decimal figure to compare"
	done
}
