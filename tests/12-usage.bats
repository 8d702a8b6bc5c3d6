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
