#!/usr/bin/env bats
# crm-complaint: open, triage, update, list; rules, SLA and priority.

load helper
bats_require_minimum_version 1.5.0

F="$BATS_TEST_DIRNAME/fixtures/complaint"

# open_c ARGS...: open a complaint in ./log.tsv, set $id from the output.
open_c() {
	run crm-complaint open -f log.tsv "$@"
	assert_success
	id=$(printf '%s\n' "$output" | awk -F'\t' 'NR == 2 { print $1 }')
}

# field NAME: the value of column NAME in the second line of $output.
field() {
	printf '%s\n' "$output" | awk -F'\t' -v n="$1" \
	    'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c[n] }'
}

@test "crm-complaint: the default rules classify 40 sentences as expected" {
	run sh -c "crm-complaint triage '$F/sentences.tsv' | cut -f1,2,4"
	assert_success
	golden "$F/sentences.expected"
}

@test "crm-complaint: triage adds the columns and names the matched rules" {
	printf 'customer_id\tts\tchannel\ttext\nC9\t2026-11-23T09:30:00+08:00\tphone\t包装破损，客服态度很差\n' >in.tsv
	run crm-complaint triage in.tsv
	assert_success
	assert_output "$(printf 'customer_id\tts\tchannel\ttext\tcategory\tcause\tseverity\tpriority\tdue_response\tdue_resolve\tmatched\nC9\t2026-11-23T09:30:00+08:00\tphone\t包装破损，客服态度很差\tattitude\tprocess\tnormal\t3\t2026-11-24T09:30:00+08:00\t2026-11-26T09:30:00+08:00\tq-zh-damage,a-zh-attitude')"
}

@test "crm-complaint: an escalation trigger forces urgent and keeps the category" {
	printf 'text\n刹车片有质量问题，我要找媒体曝光\nThe defective charger caught fire\n' >in.tsv
	run sh -c 'crm-complaint triage in.tsv | cut -f2,4,8'
	assert_success
	assert_output "$(printf 'category\tseverity\tmatched\nquality\turgent\tq-zh-defect,x-zh-media\nquality\turgent\tq-en-defect,q-en-harm,x-en-fire')"
}

@test "crm-complaint: triage without a ts column leaves the due times empty" {
	printf 'text\nnothing to see\n' >in.tsv
	run crm-complaint triage in.tsv
	assert_success
	assert_line -n 1 "$(printf 'nothing to see\tother\t\tnormal\t3\t\t\t')"
}

@test "crm-complaint: triage rejects a record with a bad timestamp and goes on" {
	printf 'ts\ttext\n2026-13-01T00:00:00Z\tbroken\n2026-11-01T00:00:00Z\tbroken\n' >in.tsv
	run crm-complaint triage in.tsv
	assert_failure 1
	assert_line -n 0 "crm-complaint: in.tsv:2: ts: month out of range '2026-13-01T00:00:00Z'"
	assert_line -n 2 "$(printf '2026-11-01T00:00:00Z\tbroken\tquality\tresult\tnormal\t3\t2026-11-02T00:00:00+00:00\t2026-11-04T00:00:00+00:00\tq-en-broken')"
}

@test "crm-complaint: triage needs a text column" {
	printf 'note\nx\n' >in.tsv
	run crm-complaint triage in.tsv
	assert_failure 2
	assert_output "crm-complaint: in.tsv: no text column"
}

@test "crm-complaint: priority is raised by tier, repeats and public channel" {
	{
		printf 'customer_id\tts\tchannel\ttext\n'
		printf 'C1\t2026-01-01T10:00:00Z\tphone\tbroken\n'
		printf 'C2\t2026-01-01T10:00:00Z\tphone\tbroken\n'
		printf 'C2\t2026-02-01T10:00:00Z\tphone\tbroken\n'
		printf 'C2\t2026-03-01T10:00:00Z\tphone\tbroken\n'
		printf 'C2\t2026-09-01T10:00:00Z\tsocial\tbroken\n'
		printf 'C3\t2026-09-01T10:00:00Z\tforum\tlow-key note\n'
	} >in.tsv
	run sh -c "crm-complaint triage --segments '$F/segments.tsv' in.tsv | cut -f1,8"
	assert_success
	assert_output "$(printf 'customer_id\tpriority\nC1\t2\nC2\t3\nC2\t3\nC2\t2\nC2\t2\nC3\t2')"
}

@test "crm-complaint: --sla repeat_count changes the repeat threshold" {
	printf 'customer_id\tts\ttext\nC2\t2026-01-01T10:00:00Z\tbroken\nC2\t2026-01-02T10:00:00Z\tbroken\n' >in.tsv
	run sh -c "crm-complaint triage --sla repeat_count=2 in.tsv | cut -f7"
	assert_output "$(printf 'priority\n3\n2')"
}

@test "crm-complaint: due times cross a day boundary in the complaint's offset" {
	printf 'ts\ttext\n2026-11-23T22:30:00+08:00\tThe lawyer called\n2026-11-23T22:30:00-05:00\tpaperwork\n' >in.tsv
	run sh -c 'crm-complaint triage in.tsv | cut -f5,7,8'
	assert_success
	assert_output "$(printf 'severity\tdue_response\tdue_resolve\nurgent\t2026-11-24T22:30:00+08:00\t2026-11-24T22:30:00+08:00\nlow\t2026-11-24T22:30:00-05:00\t2026-11-26T22:30:00-05:00')"
}

@test "crm-complaint: a policy file sets the SLA hours" {
	printf '# faster answers\nresponse 4\nresolve.high = 12\n' >p.conf
	printf 'ts\ttext\n2026-11-23T20:00:00Z\trepaired 3 times\n' >in.tsv
	run sh -c 'crm-complaint triage --policy p.conf in.tsv | cut -f7,8,9'
	assert_success
	assert_output "$(printf 'due_response\tdue_resolve\tmatched\n2026-11-24T00:00:00+00:00\t2026-11-24T08:00:00+00:00\tq-en-repair')"
}

@test "crm-complaint: a bad policy line is reported with its line" {
	printf 'response 4\nresolve.fast 2\n' >p.conf
	printf 'text\nx\n' >in.tsv
	run crm-complaint triage --policy p.conf in.tsv
	assert_failure 2
	assert_output "crm-complaint: p.conf:2: unknown policy key 'resolve.fast 2'"
}

@test "crm-complaint: a pathological pattern fails that record fast, naming rule and line" {
	run crm-complaint triage --no-default-rules --rules "$F/redos.tsv" "$F/redos-input.tsv"
	assert_failure 1
	assert_line -n 0 "crm-complaint: $F/redos-input.tsv:3: text: rule slow: match limit exceeded"
	assert_line -n 1 "$(printf 'text\tcategory\tcause\tseverity\tpriority\tdue_response\tdue_resolve\tmatched')"
	assert_line -n 2 "$(printf 'all fine\tother\t\tnormal\t3\t\t\t')"
}

@test "crm-complaint: a pattern that does not compile is reported at load" {
	run crm-complaint triage --rules "$F/badpattern.tsv" /dev/null
	assert_failure 2
	assert_output "crm-complaint: $F/badpattern.tsv:3: rule bad7: pattern: missing closing parenthesis at offset 10"
}

@test "crm-complaint: a rule file of more than 10000 rules is refused at load" {
	awk 'BEGIN { print "id\tpattern\tcategory\tcause\tseverity"
		for (i = 1; i <= 10001; i++) printf "r%d\tword%d\tq\tresult\tnormal\n", i, i }' >many.tsv
	run crm-complaint triage --no-default-rules --rules many.tsv /dev/null
	assert_failure 2
	assert_output "crm-complaint: many.tsv:10002: more than 10000 rules"
	head -n 10001 many.tsv >enough.tsv
	printf 'text\nword77 here\n' | crm-complaint triage --no-default-rules --rules enough.tsv >out.tsv
	run cut -f 2,8 out.tsv
	assert_line -n 1 "$(printf 'q\tr7,r77')"
	# the bound is on the whole set: 85 default rules leave room for 9915
	run crm-complaint triage --rules enough.tsv /dev/null
	assert_failure 2
	assert_output "crm-complaint: enough.tsv:9917: more than 10000 rules"
}

# site rule files for the layering tests
site_rules() {
	printf 'id\tpattern\tcategory\tcause\tseverity\tweight\ns-box\t包装\tpackaging\tresult\tnormal\t5\n' >site1.tsv
	printf 'id\tpattern\tcategory\tcause\tseverity\ns-staff\t客服\tservice\tprocess\tlow\n' >site2.tsv
	printf 'text\n包装破损，客服态度很差\n态度很差\n' >in.tsv
}

@test "crm-complaint: --rules files layer on the defaults, in the order given" {
	site_rules
	run sh -c 'crm-complaint triage in.tsv | cut -f2-4,8'
	assert_success
	assert_output "$(printf 'category\tcause\tseverity\tmatched\nattitude\tprocess\tnormal\tq-zh-damage,a-zh-attitude\nattitude\tprocess\tnormal\ta-zh-attitude')"
	run sh -c 'crm-complaint triage --rules site1.tsv --rules site2.tsv in.tsv | cut -f2-4,8'
	assert_success
	assert_output "$(printf 'category\tcause\tseverity\tmatched\npackaging\tresult\tnormal\tq-zh-damage,a-zh-attitude,s-box,s-staff\nattitude\tprocess\tnormal\ta-zh-attitude')"
	run sh -c 'crm-complaint triage --rules site2.tsv --rules site1.tsv in.tsv | cut -f8'
	assert_output "$(printf 'matched\nq-zh-damage,a-zh-attitude,s-staff,s-box\na-zh-attitude')"
}

@test "crm-complaint: a site rule replaces the earlier rule of its id where it stood" {
	site_rules
	printf 'id\tpattern\tcategory\tcause\tseverity\tweight\na-zh-attitude\t态度\tmanner\tprocess\thigh\t0\n' >att.tsv
	run sh -c 'crm-complaint triage --rules att.tsv --rules site1.tsv in.tsv | cut -f2-4,8'
	assert_success
	assert_output "$(printf 'category\tcause\tseverity\tmatched\nmanner\tprocess\thigh\tq-zh-damage,a-zh-attitude,s-box\nmanner\tprocess\thigh\ta-zh-attitude')"
	# a later site file replaces an earlier site file's rule too
	printf 'id\tpattern\tcategory\tcause\tseverity\ns-box\t破损\tbox\tresult\tlow\n' >box.tsv
	run sh -c 'crm-complaint triage --rules site1.tsv --rules site2.tsv --rules box.tsv in.tsv | cut -f2,8'
	assert_output "$(printf 'category\tmatched\nattitude\tq-zh-damage,a-zh-attitude,s-box,s-staff\nattitude\ta-zh-attitude')"
}

@test "crm-complaint: --no-default-rules leaves only the site's rules" {
	site_rules
	run sh -c 'crm-complaint triage --no-default-rules --rules site1.tsv in.tsv | cut -f2-4,8'
	assert_success
	assert_output "$(printf 'category\tcause\tseverity\tmatched\npackaging\tresult\tnormal\ts-box\nother\t\tnormal\t')"
	run crm-complaint triage --no-default-rules in.tsv
	assert_failure 2
	assert_output "crm-complaint: --no-default-rules needs --rules FILE or --model FILE"
}

@test "crm-complaint: a missing or bad rule file among the layers names file and line" {
	site_rules
	run crm-complaint triage --rules site1.tsv --rules nope.tsv in.tsv
	assert_failure 2
	assert_output "crm-complaint: nope.tsv: No such file or directory"
	printf 'id\tpattern\tcategory\tcause\tseverity\ns-ok\tok\tq\tresult\tlow\ns-bad\tbad\tq\tresult\tdire\n' >bad.tsv
	run crm-complaint triage --rules site1.tsv --rules bad.tsv in.tsv
	assert_failure 2
	assert_output "crm-complaint: bad.tsv:3: rule s-bad: severity: not one of low, normal, high, urgent: 'dire'"
	printf 'id\tpattern\tcategory\tcause\tseverity\ns-box\tx\tq\tresult\tlow\ns-box\ty\tq\tresult\tlow\n' >dup.tsv
	run crm-complaint triage --rules site1.tsv --rules dup.tsv in.tsv
	assert_failure 2
	assert_output "crm-complaint: dup.tsv:3: id: duplicate rule id 's-box'"
	printf 'pattern\tcategory\tcause\tseverity\n' >nohdr.tsv
	run crm-complaint open -f log.tsv -c C1 --text x --rules nohdr.tsv
	assert_failure 2
	assert_output "crm-complaint: nohdr.tsv:1: no id column in the header"
	[ ! -e log.tsv ]
}

@test "crm-complaint: open triages with the layered rules" {
	site_rules
	open_c -c C1 --text '包装破损，客服态度很差' --rules site1.tsv --rules site2.tsv --ts 2026-11-01T09:00:00Z
	run sh -c "printf '%s\n' \"\$1\" | cut -f3-5,10" sh "$output"
	assert_output "$(printf 'category\tcause\tseverity\tmatched\npackaging\tresult\tnormal\tq-zh-damage,a-zh-attitude,s-box,s-staff')"
	open_c -c C1 --text '包装破损' --no-default-rules --rules site2.tsv --ts 2026-11-01T10:00:00Z
	run sh -c "cut -f3,6 log.tsv"
	assert_output "$(printf 'event\tcategory\nopen\tpackaging\nopen\tother')"
}

@test "crm-complaint: a rule with an unknown severity is refused" {
	printf 'id\tpattern\tcategory\tcause\tseverity\nr1\tx\tq\tresult\tcritical\n' >r.tsv
	run crm-complaint triage --rules r.tsv /dev/null
	assert_failure 2
	assert_output "crm-complaint: r.tsv:2: rule r1: severity: not one of low, normal, high, urgent: 'critical'"
}

@test "crm-complaint: open records the complaint, 0600, owned by the agent" {
	open_c -c C7 --text 'Nobody answers the phone' --channel phone --agent A3 --ts 2026-11-23T23:00:00+08:00
	assert_line -n 0 "$(printf 'complaint_id\tcustomer_id\tcategory\tcause\tseverity\tpriority\towner\tdue_response\tdue_resolve\tmatched')"
	assert_equal "$(field category)/$(field priority)/$(field owner)" "process/3/A3"
	assert_equal "$(field due_response)" "2026-11-24T23:00:00+08:00"
	assert_equal "$(field due_resolve)" "2026-11-26T23:00:00+08:00"
	assert_equal "$(stat -c %a log.tsv)" 600
	run cut -f3-5,9,11 log.tsv
	assert_output "$(printf 'event\tcustomer_id\tstatus\tpriority\tagent\nopen\tC7\topen\t3\tA3')"
}

@test "crm-complaint: open uses CRM_DIR and raises a gold customer's repeat social complaint" {
	export CRM_DIR="$T"
	printf 'customer_id\ttier\nC1\tgold\n' >seg.tsv
	crm-complaint open -c C1 --text broken --ts 2026-11-01T00:00:00Z >/dev/null
	crm-complaint open -c C1 --text broken --ts 2026-11-02T00:00:00Z >/dev/null
	run crm-complaint open -c C1 --text broken --channel social --segments seg.tsv --ts 2026-11-03T00:00:00Z
	assert_success
	assert_equal "$(field priority)" 1
	assert_equal "$(stat -c %a complaints.tsv)" 600
}

@test "crm-complaint: open warns on a blacklisted customer and still records the complaint" {
	printf 'customer_id\tblacklist\nC1\t0\nC2\t是\nC3\tmaybe\n' >cust.tsv
	run --separate-stderr crm-complaint open -f log.tsv -c C2 --text 'broken again' --customers cust.tsv
	assert_success
	[ "$stderr" = "crm-complaint: cust.tsv:3: customer 'C2' is blacklisted; the complaint is recorded as any other" ] ||
		fail "stderr: $stderr"
	assert_line --partial $'\tC2\tquality\t'
	run crm-complaint open -f log.tsv -c C1 --text 'broken again' --customers cust.tsv
	assert_success
	refute_output --partial blacklisted
	run --separate-stderr crm-complaint open -f log.tsv -c C3 --text 'broken again' --customers cust.tsv
	assert_success
	[[ "$stderr" == "crm-complaint: cust.tsv:4: blacklist: not a yes/no value (accepted: "*") 'maybe'" ]] ||
		fail "stderr: $stderr"
	run crm-complaint list -f log.tsv
	assert_success
	assert_equal "$(tail -n +2 log.tsv | wc -l)" 3
}

@test "crm-complaint: open refuses a customer missing from --customers" {
	printf 'customer_id\nC1\n' >cust.tsv
	run crm-complaint open -f log.tsv -c C2 --text x --customers cust.tsv
	assert_failure 1
	assert_output "crm-complaint: unknown customer 'C2' (not in cust.tsv)"
	[ ! -e log.tsv ]
}

@test "crm-complaint: open needs a customer and a text" {
	run crm-complaint open -f log.tsv --text x
	assert_failure 2
	assert_line -n 0 --partial "usage: crm-complaint open"
	run crm-complaint open -f log.tsv -c C1 --text x --channel pigeon
	assert_failure 2
	assert_output --partial "--channel: unknown channel 'pigeon' (accepted: visit, phone"
}

@test "crm-complaint: open without -f or CRM_DIR is an error" {
	run crm-complaint open -c C1 --text x
	assert_failure 2
	assert_output "crm-complaint: no complaints.tsv: give -f FILE or set CRM_DIR"
}

@test "crm-complaint: the full lifecycle assign, respond, resolve, close, reopen" {
	open_c -c C1 --text '态度很差' --ts 2026-11-20T09:00:00+08:00
	run crm-complaint update -f log.tsv "$id" --event assign --agent B2 --ts 2026-11-20T10:00:00+08:00
	assert_success
	run crm-complaint update -f log.tsv "$id" --event respond --agent B2 --ts 2026-11-20T11:00:00+08:00
	assert_success
	run crm-complaint update -f log.tsv "$id" --event resolve --satisfaction 4 --note '已道歉' --ts 2026-11-21T09:00:00+08:00
	assert_success
	run crm-complaint update -f log.tsv "$id" --event close --satisfaction 5 --ts 2026-11-22T09:00:00+08:00
	assert_success
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-30 | cut -f4,8,11-15"
	assert_output "$(printf 'status\towner\tresponded\tresolved\tsatisfaction\toverdue\trepeat\nclosed\tB2\t2026-11-20T11:00:00+08:00\t2026-11-21T09:00:00+08:00\t5\t\t')"
	run crm-complaint update -f log.tsv "$id" --event reopen --ts 2026-11-23T09:00:00+08:00
	assert_success
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-23T12:00:00+08:00 | cut -f4,10,12"
	assert_output "$(printf 'status\tdue_resolve\tresolved\nreopened\t2026-11-26T09:00:00+08:00\t')"
	run sh -c "cut -f3,5 log.tsv | tail -n +2 | tr '\t\n' ' ,'"
	assert_output "open open,assign assigned,respond responded,resolve resolved,close closed,reopen reopened,"
}

@test "crm-complaint: invalid transitions are refused naming the state" {
	open_c -c C1 --text x --ts 2026-11-20T09:00:00Z
	run crm-complaint update -f log.tsv "$id" --event close
	assert_failure 1
	assert_output "crm-complaint: cannot close $id: complaint is open"
	run crm-complaint update -f log.tsv "$id" --event reopen
	assert_failure 1
	assert_output "crm-complaint: cannot reopen $id: complaint is open"
	crm-complaint update -f log.tsv "$id" --event resolve --ts 2026-11-21T09:00:00Z
	crm-complaint update -f log.tsv "$id" --event close --ts 2026-11-21T10:00:00Z
	run crm-complaint update -f log.tsv "$id" --event respond
	assert_failure 1
	assert_output "crm-complaint: cannot respond $id: complaint is closed"
	run crm-complaint update -f log.tsv "$id" --event assign --agent A1
	assert_failure 1
	assert_output "crm-complaint: cannot assign $id: complaint is closed"
	run crm-complaint update -f log.tsv K0 --event close
	assert_failure 1
	assert_output "crm-complaint: cannot close K0: complaint was not opened"
	assert_equal "$(wc -l <log.tsv)" 4
}

@test "crm-complaint: update checks its options" {
	open_c -c C1 --text x --ts 2026-11-20T09:00:00Z
	run crm-complaint update -f log.tsv "$id" --event assign
	assert_failure 2
	assert_output "crm-complaint: assign needs --agent"
	run crm-complaint update -f log.tsv "$id" --event respond --satisfaction 3
	assert_failure 2
	assert_output "crm-complaint: --satisfaction goes with resolve or close"
	run crm-complaint update -f log.tsv "$id" --event resolve --satisfaction 6
	assert_failure 2
	assert_output "crm-complaint: --satisfaction: not 1..5 '6'"
	run crm-complaint update -f log.tsv "$id" --event escalate
	assert_failure 2
	assert_output "crm-complaint: --event: unknown event 'escalate' (accepted: classify, assign, respond, resolve, reopen, close)"
	run crm-complaint update -f log.tsv "$id" --event respond --ts 2026-11-19T00:00:00Z
	assert_failure 1
	assert_output "crm-complaint: cannot respond $id: --ts is before the complaint was opened"
}

@test "crm-complaint: update refuses a time before the complaint's last event and appends nothing" {
	open_c -c C1 --text x --ts 2026-11-20T09:00:00+08:00
	run crm-complaint update -f log.tsv "$id" --event assign --agent A1 --ts 2026-11-20T11:00:00+08:00
	assert_success
	cp log.tsv before.tsv
	run crm-complaint update -f log.tsv "$id" --event respond --ts 2026-11-20T10:00:00+08:00
	assert_failure 1
	assert_output "crm-complaint: cannot respond $id: 2026-11-20T10:00:00+08:00 is before its last event at 2026-11-20T11:00:00+08:00"
	cmp log.tsv before.tsv
	CRM_AS_OF=2026-11-20T02:30:00Z run crm-complaint update -f log.tsv "$id" --event respond
	assert_failure 1
	assert_output "crm-complaint: cannot respond $id: 2026-11-20T02:30:00+00:00 is before its last event at 2026-11-20T11:00:00+08:00"
	cmp log.tsv before.tsv
	# the same instant as the last event is in order
	run crm-complaint update -f log.tsv "$id" --event respond --ts 2026-11-20T03:00:00Z
	assert_success
	assert_equal "$(wc -l <log.tsv)" 4
	run crm-complaint list -f log.tsv
	assert_success
}

@test "crm-complaint: open and update exit by their own event; a bad older line is one warning" {
	open_c -c C1 --text x --ts 2026-11-20T09:00:00Z
	printf 'K1\tbad\topen\n' >>log.tsv
	run crm-complaint open -f log.tsv -c C2 --text y --ts 2026-11-20T10:00:00Z
	assert_success
	assert_line --index 0 "crm-complaint: log.tsv:3: expected 15 fields, found 3 (line skipped)"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(wc -l <log.tsv)" 4
	printf 'K2\t2026-11-20T09:00:00Z\tfly\n' >>log.tsv
	printf 'K3\t2026-11-20T09:00:00Z\tfly\n' >>log.tsv
	run --separate-stderr crm-complaint update -f log.tsv "$id" --event respond --ts 2026-11-20T11:00:00Z
	assert_success
	assert_output ""
	assert_equal "$stderr" "crm-complaint: log.tsv:3: expected 15 fields, found 3 (line skipped, and 2 more bad lines)"
	assert_equal "$(tail -n 1 log.tsv | cut -f1,3)" "$(printf '%s\trespond' "$id")"
	# a refused event still fails by itself
	run --separate-stderr crm-complaint update -f log.tsv "$id" --event reopen
	assert_failure 1
	assert_equal "$stderr" "$(printf '%s\n%s' "crm-complaint: log.tsv:3: expected 15 fields, found 3 (line skipped, and 2 more bad lines)" "crm-complaint: cannot reopen $id: complaint is responded")"
	# list, a reader, reports each bad line
	run --separate-stderr crm-complaint list -f log.tsv
	assert_failure 1
	assert_equal "$(printf '%s\n' "$stderr" | wc -l)" 3
}

@test "crm-complaint: list filters by open, overdue, customer and category, with --as-of" {
	open_c -c C1 --text 'rude staff' --ts 2026-11-01T09:00:00Z
	a=$id
	open_c -c C2 --text 'late delivery' --ts 2026-11-02T09:00:00Z
	b=$id
	open_c -c C1 --text 'broken' --ts 2026-11-03T09:00:00Z
	c=$id
	crm-complaint update -f log.tsv "$b" --event respond --ts 2026-11-02T10:00:00Z
	crm-complaint update -f log.tsv "$c" --event resolve --ts 2026-11-03T10:00:00Z
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-04T12:00:00Z | cut -f1,4,7,14"
	assert_output "$(printf 'complaint_id\tstatus\tpriority\toverdue\n%s\topen\t2\tresponse,resolve\n%s\tresponded\t3\t\n%s\tresolved\t3\t' "$a" "$b" "$c")"
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-04T12:00:00Z --overdue | cut -f1"
	assert_output "$(printf 'complaint_id\n%s' "$a")"
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-06T12:00:00Z --overdue | cut -f1,14"
	assert_output "$(printf 'complaint_id\toverdue\n%s\tresponse,resolve\n%s\tresolve' "$a" "$b")"
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-04T12:00:00Z --open | cut -f1"
	assert_output "$(printf 'complaint_id\n%s\n%s' "$a" "$b")"
	run sh -c "crm-complaint list -f log.tsv --customer C1 --category quality | cut -f1"
	assert_output "$(printf 'complaint_id\n%s' "$c")"
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-02T12:00:00Z | cut -f1,4"
	assert_output "$(printf 'complaint_id\tstatus\n%s\topen\n%s\tresponded' "$a" "$b")"
}

@test "crm-complaint: list flags repeat complainers" {
	for d in 01 02 03; do
		open_c -c C5 --text 'rude' --ts 2026-11-${d}T09:00:00Z
	done
	open_c -c C6 --text 'rude' --ts 2026-11-03T09:00:00Z
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-03T10:00:00Z | cut -f2,15"
	assert_output "$(printf 'customer_id\trepeat\nC5\t\nC5\t\nC5\t3\nC6\t')"
}

@test "crm-complaint: list reports a bad event in the log and lists the rest" {
	open_c -c C1 --text x --ts 2026-11-01T09:00:00Z
	printf 'K1\t2026-11-01T09:00:00Z\tclose\t\t\t\t\t\t\t\t\t\t\t\t\n' >>log.tsv
	run crm-complaint list -f log.tsv --as-of 2026-11-01T10:00:00Z
	assert_failure 1
	assert_line -n 0 "crm-complaint: log.tsv:3: event: complaint was not opened 'close'"
	assert_line -n 2 --partial "$id"
}

@test "crm-complaint: --help and bad usage" {
	run crm-complaint --help
	assert_success
	assert_line -n 0 --partial "usage: crm-complaint open"
	run crm-complaint frobnicate
	assert_failure 2
	run crm-complaint list --bogus
	assert_failure 2
}

@test "crm-complaint: the literal prefilter gives the same answers as running every rule" {
	# A pattern wrapped in one group has no top-level literal, so every
	# rule of this copy runs on every text.
	awk -F '\t' 'BEGIN { OFS = "\t" } /^#/ || $0 == "" { next }
		!h { h = 1; print; next } { $2 = "(?:" $2 ")"; print }' \
	    "$BATS_TEST_DIRNAME/../share/complaint-rules.tsv" >all.tsv
	{ cat "$F/sentences.tsv"; crm-gen complaints 3000 | cut -f7 | tail -n +2
	  printf 'what a ſcam\nLAWYER\nit brea\xe2\x84\xaas down\n'; } >in.tsv
	crm-complaint triage in.tsv >a.out
	crm-complaint triage --rules all.tsv in.tsv >b.out
	run cmp a.out b.out
	assert_success
	run sh -c "tail -3 a.out | cut -f2,4"
	assert_output "$(printf 'expectation\thigh\nescalation\turgent\nquality\tnormal')"
}

@test "crm-complaint: list --format table aligns Chinese text" {
	printf 'complaint_id\tts\tevent\tcustomer_id\tstatus\tcategory\tcause\tseverity\tpriority\tchannel\tagent\tdue_response\tdue_resolve\tsatisfaction\ttext\n' >log.tsv
	printf 'K1\t2026-11-01T09:00:00+08:00\topen\t客户甲\topen\tquality\tresult\thigh\t2\tphone\t王五\t\t\t\t坏了\n' >>log.tsv
	printf 'K2\t2026-11-01T10:00:00+08:00\topen\tC2\topen\tbilling\tresult\tnormal\t3\tweb\tA1\t\t\t\t多收\n' >>log.tsv
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-01T12:00:00+08:00 --format table"
	assert_success
	golden "$F/list-table.expected"
}

@test "crm-complaint: list on a missing log is an error; on a torn one it leaves the tail out, where update stops" {
	run crm-complaint list -f nope.tsv
	assert_failure 2
	assert_output "crm-complaint: nope.tsv: No such file or directory"
	open_c -c C1 --text x --ts 2026-11-01T09:00:00Z
	printf 'K2\t2026-11' >>log.tsv
	run --separate-stderr crm-complaint list -f log.tsv
	assert_success
	assert_equal "$stderr" "crm-complaint: log.tsv: torn last line ignored (10 bytes after the last newline)"
	assert_equal "${#lines[@]}" 2
	assert_line -n 1 --partial "$id	C1	"
	run crm-complaint update -f log.tsv "$id" --event respond
	assert_failure 2
	assert_output --partial "torn last line"
	: >empty.tsv
	run crm-complaint list -f empty.tsv
	assert_failure 2
	assert_output "crm-complaint: empty.tsv: empty file, no header"
}

@test "crm-complaint: triage writes CSV on request" {
	printf 'text\n"态度差, 很差"\n' >in.csv
	run crm-complaint triage --format csv in.csv
	assert_success
	assert_output "$(printf 'text,category,cause,severity,priority,due_response,due_resolve,matched\n"态度差, 很差",attitude,process,normal,3,,,a-zh-attitude')"
}

@test "crm-complaint: open refuses a text a rule cannot match in bounds, writing nothing" {
	run crm-complaint open -f log.tsv -c C1 --rules "$F/redos.tsv" --text aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!
	assert_failure 1
	assert_output "crm-complaint: --text: rule slow: match limit exceeded"
	[ ! -e log.tsv ]
}

@test "crm-complaint: update on a missing log and a bad --match-limit are errors" {
	run crm-complaint update -f none.tsv K1 --event respond
	assert_failure 2
	assert_output "crm-complaint: none.tsv: No such file or directory"
	run crm-complaint triage --match-limit 0 /dev/null
	assert_failure 2
	assert_output "crm-complaint: --match-limit: not a positive integer '0'"
}

@test "crm-complaint: triage over its own output replaces the columns it adds" {
	printf 'ts\ttext\n2026-11-01T08:00:00+01:00\t排队两小时\n' >in.tsv
	crm-complaint triage in.tsv >once.tsv
	run crm-complaint triage once.tsv
	assert_success
	assert_output "$(cat once.tsv)"
}

@test "crm-complaint: a rule file may start with a byte order mark and use CRLF" {
	printf '\xef\xbb\xbfid\tpattern\tcategory\tcause\tseverity\tweight\r\nr1\t(?i)slow\tdelivery\tresult\thigh\t0\r\n' >r.tsv
	printf 'text\nSLOW shipping\n' >in.tsv
	run sh -c 'crm-complaint triage --no-default-rules --rules r.tsv in.tsv | cut -f2-4,8'
	assert_success
	assert_output "$(printf 'category\tcause\tseverity\tmatched\ndelivery\tresult\thigh\tr1')"
}

@test "crm-complaint: triage --excel-safe quotes formula-like CSV cells behind an apostrophe" {
	printf 'note,text\n=1+2,rude\n@SUM(A1),rude\n-2.5,rude\n+cmd,rude\n"\tx",rude\n-,rude\nplain,rude\n' >in.csv
	run sh -c 'crm-complaint triage --format csv --excel-safe in.csv | cut -d, -f1'
	assert_success
	assert_output "$(printf 'note\n"'"'"'=1+2"\n"'"'"'@SUM(A1)"\n-2.5\n"'"'"'+cmd"\n"'"'"'\tx"\n"'"'"'-"\nplain')"
	# Without the option the cells go out as they came in.
	run sh -c 'crm-complaint triage --format csv in.csv | sed -n 2p'
	assert_output "=1+2,rude,attitude,process,normal,3,,,a-en-rude"
}

@test "crm-complaint: list --excel-safe neutralises a formula in the owner" {
	open_c -c C1 --agent '=HYPERLINK("http://x.test")' --text rude --ts 2026-11-01T09:00:00Z
	run crm-complaint list -f log.tsv --as-of 2026-11-01T10:00:00Z --format csv --excel-safe
	assert_success
	assert_line -n 1 "$id,C1,2026-11-01T09:00:00+00:00,open,attitude,normal,3,\"'=HYPERLINK(\"\"http://x.test\"\")\",2026-11-02T09:00:00+00:00,2026-11-04T09:00:00+00:00,,,,,"
}

@test "crm-complaint: --excel-safe without --format csv is a usage error" {
	run crm-complaint triage --excel-safe /dev/null
	assert_failure 2
	assert_output "crm-complaint: --excel-safe applies to --format csv only"
	run crm-complaint list -f log.tsv --excel-safe --format tsv
	assert_failure 2
	assert_output "crm-complaint: --excel-safe applies to --format csv only"
}

@test "crm-complaint: update classify re-grades a complaint and re-computes priority and due times" {
	open_c -c C9 --channel web --text 'the parcel was late' --ts 2026-11-01T22:00:00+08:00
	run crm-complaint update -f log.tsv "$id" --event classify --category safety --cause result --severity urgent --note 'it caught fire' --ts 2026-11-01T23:00:00+08:00
	assert_success
	assert_output ""
	run tail -1 log.tsv
	assert_output "$(printf '%s\t2026-11-01T23:00:00+08:00\tclassify\tC9\topen\tsafety\tresult\turgent\t1\t\t\t2026-11-02T22:00:00+08:00\t2026-11-02T22:00:00+08:00\t\tit caught fire' "$id")"
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-02T00:00:00+08:00 | cut -f5-7,9,10"
	assert_output "$(printf 'category\tseverity\tpriority\tdue_response\tdue_resolve\nsafety\turgent\t1\t2026-11-02T22:00:00+08:00\t2026-11-02T22:00:00+08:00')"
	# Down to low: 72 hours to resolve, priority 4; category kept.
	crm-complaint update -f log.tsv "$id" --event classify --severity low --ts 2026-11-02T01:00:00+08:00
	run sh -c "crm-complaint list -f log.tsv --as-of 2026-11-02T02:00:00+08:00 | cut -f5-7,10"
	assert_output "$(printf 'category\tseverity\tpriority\tdue_resolve\nsafety\tlow\t4\t2026-11-04T22:00:00+08:00')"
}

@test "crm-complaint: classify after a response keeps the response due and counts resolution from the reopening" {
	open_c -c C9 --text 'rude' --ts 2026-11-01T09:00:00Z
	crm-complaint update -f log.tsv "$id" --event respond --ts 2026-11-01T10:00:00Z
	crm-complaint update -f log.tsv "$id" --event resolve --ts 2026-11-02T09:00:00Z
	crm-complaint update -f log.tsv "$id" --event reopen --ts 2026-11-05T09:00:00Z
	crm-complaint update -f log.tsv "$id" --event classify --severity high --ts 2026-11-05T10:00:00Z
	run sh -c "tail -1 log.tsv | cut -f5,8,9,12,13"
	assert_output "$(printf 'reopened\thigh\t2\t\t2026-11-07T09:00:00+00:00')"
}

@test "crm-complaint: classify raises priority for tier, public channel and repeats" {
	open_c -c C1 --channel social --text 'rude' --ts 2026-11-01T09:00:00Z
	run crm-complaint update -f log.tsv "$id" --event classify --severity low --segments "$F/segments.tsv"
	assert_success
	run sh -c "tail -1 log.tsv | cut -f8,9"
	assert_output "$(printf 'low\t2')"
	for d in 02 03; do
		open_c -c C2 --text 'rude' --ts 2026-11-${d}T09:00:00Z
	done
	open_c -c C2 --text 'rude' --ts 2026-11-04T09:00:00Z
	crm-complaint update -f log.tsv "$id" --event classify --severity low --segments "$F/segments.tsv" --ts 2026-11-04T10:00:00Z
	run sh -c "tail -1 log.tsv | cut -f8,9"
	assert_output "$(printf 'low\t3')"
}

@test "crm-complaint: classify is refused on a closed complaint and needs a valid grade" {
	open_c -c C9 --text 'rude' --ts 2026-11-01T09:00:00Z
	crm-complaint update -f log.tsv "$id" --event resolve --ts 2026-11-01T10:00:00Z
	crm-complaint update -f log.tsv "$id" --event close --ts 2026-11-01T11:00:00Z
	run crm-complaint update -f log.tsv "$id" --event classify --severity high --ts 2026-11-01T12:00:00Z
	assert_failure 1
	assert_output "crm-complaint: cannot classify $id: complaint is closed"
	run crm-complaint update -f log.tsv "$id" --event classify
	assert_failure 2
	assert_output "crm-complaint: classify needs --category, --cause or --severity"
	run crm-complaint update -f log.tsv "$id" --event classify --severity huge
	assert_failure 2
	assert_output "crm-complaint: --severity: unknown value 'huge' (accepted: low, normal, high, urgent)"
	run crm-complaint update -f log.tsv "$id" --event classify --cause bad
	assert_failure 2
	assert_output "crm-complaint: --cause: unknown value 'bad' (accepted: result, process, expectation)"
	run crm-complaint update -f log.tsv "$id" --event classify --category 'a b'
	assert_failure 2
	assert_output "crm-complaint: --category: spaces in an identifier 'a b'"
	run crm-complaint update -f log.tsv "$id" --event reopen --severity low
	assert_failure 2
	assert_output "crm-complaint: --category, --cause and --severity go with classify"
	run crm-complaint update -f log.tsv "$id" --event open
	assert_failure 2
	assert_output "crm-complaint: --event: unknown event 'open' (accepted: classify, assign, respond, resolve, reopen, close)"
}

@test "crm-complaint: triage of an event log grades the open events and passes the rest through" {
	run crm-complaint triage --sla repeat_count=2 "$F/log-triage.tsv"
	assert_success
	golden "$F/log-triage.expected"
	# the fold of the triaged log keeps the hand classification of K1 and
	# the categories of the open events; nothing turned into "other"
	crm-complaint triage "$F/log-triage.tsv" >t.tsv
	run sh -c 'crm-complaint list -f t.tsv --as-of 2026-11-06 | cut -f1,4-6'
	assert_success
	assert_output "$(printf 'complaint_id\tstatus\tcategory\tseverity\nK1\topen\tsafety\turgent\nK2\treopened\tquality\turgent\nK3\topen\t\t\nK4\topen\tdelivery\tnormal')"
}

@test "crm-complaint: triage of an event log keeps an event it cannot grade, and says so" {
	printf 'complaint_id\tts\tevent\ttext\nK1\t2026-13-01T00:00:00Z\topen\tbroken\nK1\t2026-11-02T00:00:00Z\trespond\t\n' >log.tsv
	run crm-complaint triage log.tsv
	assert_failure 1
	assert_output "$(printf 'crm-complaint: log.tsv:2: ts: month out of range '"'"'2026-13-01T00:00:00Z'"'"'\ncomplaint_id\tts\tevent\ttext\tcategory\tcause\tseverity\tpriority\tdue_response\tdue_resolve\tmatched\nK1\t2026-13-01T00:00:00Z\topen\tbroken\t\t\t\t\t\t\t\nK1\t2026-11-02T00:00:00Z\trespond\t\t\t\t\t\t\t\t')"
	printf 'complaint_id\tts\tevent\ttext\nK1\t2026-11-01T00:00:00Z\topen\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n' >log.tsv
	run crm-complaint triage --no-default-rules --rules "$F/redos.tsv" log.tsv
	assert_failure 1
	assert_line -n 0 "crm-complaint: log.tsv:2: text: rule slow: match limit exceeded"
	assert_line -n 2 "$(printf 'K1\t2026-11-01T00:00:00Z\topen\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\t\t\t\t\t\t\t')"
}

@test "crm-complaint: a complaint resolved without a response keeps that first response through a reopen" {
	printf 'complaint_id\tts\tevent\tcustomer_id\tstatus\tcategory\tcause\tseverity\tpriority\tchannel\tagent\tdue_response\tdue_resolve\tsatisfaction\ttext\n' >log.tsv
	printf 'K1\t2026-11-01T09:00:00Z\topen\tC1\topen\tdelivery\tresult\tnormal\t3\tweb\t\t2026-11-02T09:00:00+00:00\t2026-11-04T09:00:00+00:00\t\tlate delivery\n' >>log.tsv
	printf 'K1\t2026-11-01T15:00:00Z\tresolve\tC1\tresolved\t\t\t\t\t\t\t\t\t4\t\n' >>log.tsv
	head='complaint_id\tcustomer_id\topened\tstatus\tcategory\tseverity\tpriority\towner\tdue_response\tdue_resolve\tresponded\tresolved\tsatisfaction\toverdue\trepeat'
	run crm-complaint list -f log.tsv --as-of 2026-11-03T09:00:00Z
	assert_success
	assert_output "$(printf "$head"'\nK1\tC1\t2026-11-01T09:00:00+00:00\tresolved\tdelivery\tnormal\t3\t\t2026-11-02T09:00:00+00:00\t2026-11-04T09:00:00+00:00\t2026-11-01T15:00:00+00:00\t2026-11-01T15:00:00+00:00\t4\t\t')"
	times='measure\tcomplaints\tmedian_h\tp90_h\nfirst_response\t1\t6.00\t6.00'
	run crm-report complaints --as-of 2026-11-03T09:00:00Z --table times log.tsv
	assert_output "$(printf "$times"'\nresolution\t1\t6.00\t6.00')"
	run crm-report complaints --as-of 2026-11-03T09:00:00Z --table sla log.tsv
	assert_output "$(printf 'target\tdue\tmet\tcompliance\nresponse\t1\t1\t1.0000\nresolution\t1\t1\t1.0000')"
	run crm-complaint update -f log.tsv K1 --event reopen --ts 2026-11-03T09:00:00Z
	assert_success
	# the reopening restarts the resolution clock; the first response
	# stays, and the complaint is not overdue for one
	run crm-complaint list -f log.tsv --as-of 2026-11-04T09:00:00Z
	assert_success
	assert_output "$(printf "$head"'\nK1\tC1\t2026-11-01T09:00:00+00:00\treopened\tdelivery\tnormal\t3\t\t2026-11-02T09:00:00+00:00\t2026-11-06T09:00:00+00:00\t2026-11-01T15:00:00+00:00\t\t\t\t')"
	run crm-report complaints --as-of 2026-11-04T09:00:00Z --table times log.tsv
	assert_output "$(printf "$times"'\nresolution\t0\t\t')"
	run crm-report complaints --as-of 2026-11-04T09:00:00Z --table sla log.tsv
	assert_output "$(printf 'target\tdue\tmet\tcompliance\nresponse\t1\t1\t1.0000\nresolution\t0\t0\t')"
	# and through a list, as crm-report reads it too
	run sh -c 'crm-complaint list -f log.tsv --as-of 2026-11-04T09:00:00Z | crm-report complaints --as-of 2026-11-04T09:00:00Z --table sla'
	assert_output "$(printf 'target\tdue\tmet\tcompliance\nresponse\t1\t1\t1.0000\nresolution\t0\t0\t')"
}

@test "crm-complaint: open into a full standard output keeps the event and says so, exit 3" {
	run --separate-stderr sh -c "crm-complaint open -f c.tsv -c C1 --text 'the car broke down' >/dev/full"
	assert_failure 3
	id=$(awk -F '\t' 'NR == 2 { print $1 }' c.tsv)
	[ -n "$id" ]
	[ "$stderr" = "crm-complaint: $id: open written to c.tsv, but standard output failed: No space left on device" ]
	[ "$(wc -l <c.tsv)" -eq 2 ]
}

@test "crm-complaint rekey: rewrites the mapped customer ids of the log, the fold follows, a refused map names its line" {
	cp "$F/rekey-log.tsv" log.tsv
	chmod 0640 log.tsv
	run crm-complaint rekey -f log.tsv --id-map "$F/rekey-map.tsv"
	assert_success
	assert_output "log.tsv: 1 of 5 records re-keyed"
	run cat log.tsv
	golden "$F/rekey.expected"
	[ "$(stat -c %a log.tsv)" = 640 ]
	run crm-complaint list -f log.tsv --customer C1001 --as-of 2026-11-30
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	run crm-complaint rekey -f log.tsv --id-map "$F/rekey-map.tsv"
	assert_output "log.tsv: 0 of 5 records re-keyed"
	printf 'old_id\tnew_id\nC1001\tC1002\nC1002\tC1001\n' >cycle.tsv
	run crm-complaint rekey -f log.tsv --id-map cycle.tsv
	assert_failure 2
	assert_output "crm-complaint: --id-map: cycle.tsv:2: new_id: 'C1002' (for 'C1001') is itself mapped on line 3: a chain or a cycle, ids are mapped once"
	run cat log.tsv
	golden "$F/rekey.expected"
	printf 'K3\t2026-11' >>log.tsv
	run crm-complaint rekey -f log.tsv --id-map "$F/rekey-map.tsv"
	assert_failure 2
	assert_output --partial "torn last line"
	run crm-complaint rekey -f log.tsv
	assert_failure 2
	assert_line -n 0 "crm-complaint: rekey: --id-map FILE is required"
}
