#!/usr/bin/env bats
# Every user pattern is bounded in time as well as in backtracking: a
# pattern that scans the rest of the text from every start position,
# (?>(a+)+)$, is quadratic with no backtracking to limit, and must still
# end fast, with the error naming it, in every tool that takes patterns.
# A pattern that would turn the JIT off is refused when it is loaded.

bats_require_minimum_version 1.5.0
load helper

# a TSV with a text column of one mebibyte of 'a' then 'b', after a short
# row; with a customer id first when asked (for crm-import -k customers)
big_text() {
	{
		if [ "${1:-}" = customers ]; then
			printf 'customer_id\tname\nC1\tall fine\nC2\t'
		else
			printf 'text\nall fine\n'
		fi
		head -c 1048575 /dev/zero | tr '\0' a
		printf 'b\n'
	} >big.tsv
}

@test "regex: triage ends a quadratic rule on a 1 MiB text within a second or so, naming the rule" {
	big_text
	printf 'id\tpattern\tcategory\tcause\tseverity\nscan\t(?>(a+)+)$\tquality\tresult\thigh\n' >rules.tsv
	s=$(date +%s%N)
	run crm-complaint triage --no-default-rules --rules rules.tsv big.tsv
	e=$(date +%s%N)
	assert_failure 1
	assert_line -n 0 "crm-complaint: big.tsv:3: text: rule scan: time limit exceeded (250 ms)"
	assert_line -n 2 "$(printf 'all fine\tother\t\tnormal\t3\t\t\t')"
	# the budget is 250 ms; a slow machine gets ten times that
	[ $(( (e - s) / 1000000 )) -lt 2500 ]
}

@test "regex: crm-import --check ends a quadratic pattern on a 1 MiB value, naming it" {
	big_text customers
	run crm-import -k customers --check 'name=(?>(a+)+)$|fine' big.tsv
	assert_failure 1
	assert_line -n 0 --partial "crm-import: big.tsv:3: name: cannot match /(?>(a+)+)$|fine/: time limit exceeded (250 ms)"
	assert_line -n 2 "$(printf 'C1\tall fine')"
}

@test "regex: a rule that turns the JIT off is refused at load" {
	printf 'id\tpattern\tcategory\tcause\tseverity\nnojit\t(*NO_JIT)rude\tattitude\tprocess\tnormal\n' >rules.tsv
	printf 'text\nso rude\n' >in.tsv
	run crm-complaint triage --rules rules.tsv in.tsv
	assert_failure 2
	assert_output "crm-complaint: rules.tsv:2: rule nojit: pattern: (*NO_JIT) is refused: patterns run JIT-compiled, under the time budget, wherever the platform allows"
}

@test "regex: crm-import refuses a --check pattern that turns the JIT off" {
	printf 'customer_id\tname\nC1\tso rude\n' >in.tsv
	run crm-import -k customers --check 'name=(*NO_JIT)rude' in.tsv
	assert_failure 2
	assert_output "crm-import: --check 'name=(*NO_JIT)rude': (*NO_JIT) is refused: patterns run JIT-compiled, under the time budget, wherever the platform allows"
}

# a log whose middle record's note is one mebibyte of 'a' then 'b'
big_log() {
	{
		printf 'id\tts\tcustomer_id\tchannel\ttype\tinitiator\tagent\tduration_s\toutcome\tsatisfaction\tnext_action\tnote\n'
		printf 'I1\t2026-01-01T00:00:00Z\tC1\temail\tinquiry\t\t\t\t\t\t\taaa fine\n'
		printf 'I2\t2026-01-02T00:00:00Z\tC2\temail\tinquiry\t\t\t\t\t\t\t'
		head -c 1048575 /dev/zero | tr '\0' a
		printf 'b\n'
		printf 'I3\t2026-01-03T00:00:00Z\tC3\temail\tinquiry\t\t\t\t\t\t\taaa\n'
	} >log.tsv
}

@test "regex: crm-log show --grep ends a quadratic pattern on a 1 MiB note, naming it and the record" {
	big_log
	s=$(date +%s%N)
	run --separate-stderr timeout 10 crm-log show -f log.tsv --grep '(?>(a+)+)$'
	e=$(date +%s%N)
	assert_failure 1
	assert_equal "$stderr" "crm-log: log.tsv:3: note: pattern '(?>(a+)+)\$': time limit exceeded (250 ms)"
	assert_equal "$(printf '%s\n' "$output" | cut -f1)" "$(printf 'id\nI3')"
	[ $(( (e - s) / 1000000 )) -lt 5000 ]
}

@test "regex: patterns that set their own limits or turn the JIT off are refused in every tool" {
	printf 'customer_id\tname\nC1\tso rude\n' >in.tsv
	printf 'text\nso rude\n' >t.tsv
	for v in '(*LIMIT_MATCH=100000000)' '(*LIMIT_DEPTH=100000000)' '(*LIMIT_HEAP=100000000)' '(*LIMIT_RECURSION=100000000)'; do
		why="$v is refused: the match, depth, heap and time limits are crmkit's"
		run crm-import -k customers --check "name=${v}rude" in.tsv
		assert_failure 2
		assert_output "crm-import: --check 'name=${v}rude': $why"
		printf 'id\tpattern\tcategory\tcause\tseverity\nlim\t%srude\tattitude\tprocess\tnormal\n' "$v" >rules.tsv
		run crm-complaint triage --no-default-rules --rules rules.tsv t.tsv
		assert_failure 2
		assert_output "crm-complaint: rules.tsv:2: rule lim: pattern: $why"
		run crm-log show -f "$FIX/log/interactions.tsv" --grep "${v}rude"
		assert_failure 2
		assert_output "crm-log: --grep: $why in '${v}rude'"
	done
	run crm-log show -f "$FIX/log/interactions.tsv" --grep '(*NO_JIT)rude'
	assert_failure 2
	assert_output "crm-log: --grep: (*NO_JIT) is refused: patterns run JIT-compiled, under the time budget, wherever the platform allows in '(*NO_JIT)rude'"
}
