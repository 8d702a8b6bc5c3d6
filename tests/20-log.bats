#!/usr/bin/env bats
# crm-log: the interaction record.

load helper
bats_require_minimum_version 1.5.0

L="$FIX/log"
HDR=$'id\tts\tcustomer_id\tchannel\ttype\tinitiator\tagent\tduration_s\toutcome\tsatisfaction\tnext_action\tnote\tcampaign'

# --- add: one record from options ---

@test "crm-log add: prints the new id and appends the record with every field" {
	export CRM_AS_OF=2026-11-23T09:30:00+08:00
	run crm-log add -f log.tsv -c C1001 --channel phone --type inquiry \
		--initiator customer --agent A07 --duration 95 --outcome resolved \
		--satisfaction 4 --next-action 2026-12-01 --note '询问保养价格'
	assert_success
	assert_output --regexp '^I[0-9]{8}T[0-9]{12}[0-9A-Z]{4}$'
	id=$output
	run cat log.tsv
	assert_output "$HDR"$'\n'"$id"$'\t2026-11-23T09:30:00+08:00\tC1001\tphone\tinquiry\tcustomer\tA07\t95\tresolved\t4\t2026-12-01\t询问保养价格\t'
}

@test "crm-log add: --campaign is kept, last, as given" {
	export CRM_AS_OF=2026-11-23T09:30:00+08:00
	run crm-log add -f log.tsv -c C1 --channel sms --type care \
		--initiator company --campaign '2026冬季关怀 A'
	assert_success
	run cut -f3,6,13 log.tsv
	assert_output $'customer_id\tinitiator\tcampaign\nC1\tcompany\t2026冬季关怀 A'
	printf 'customer_id\tchannel\ttype\tcampaign\nC2\tphone\tcare\toil-change\n' |
		crm-log add -f log.tsv -
	run cut -f3,13 log.tsv
	assert_output $'customer_id\tcampaign\nC1\t2026冬季关怀 A\nC2\toil-change'
}

@test "crm-log add: a log made before the campaign column keeps its columns and refuses a campaign" {
	export CRM_AS_OF=2026-11-23T09:30:00+08:00
	cut -f1-12 "$L/small.tsv" >old.tsv
	run crm-log add -f old.tsv -c C1 --channel sms --type care
	assert_success
	run awk -F '\t' '{ print NF }' old.tsv
	assert_output "$(printf '12\n%.0s' 1 2 3 4 5 6 7 8)"
	cp old.tsv before.tsv
	run crm-log add -f old.tsv -c C1 --channel sms --type care --campaign x
	assert_failure 1
	assert_output "crm-log: campaign: old.tsv has no campaign column (a log made before it): start a new log for campaign contacts"
	printf 'customer_id\tchannel\ttype\tcampaign\nC2\tphone\tcare\tx\nC3\tphone\tcare\t\n' >in.tsv
	run crm-log add -f old.tsv - <in.tsv
	assert_failure 1
	assert_output "crm-log: -:2: campaign: old.tsv has no campaign column (a log made before it): start a new log for campaign contacts"
	run bash -c 'tail -n 1 old.tsv | cut -f3'
	assert_output C3
	run crm-log check -f old.tsv
	assert_success
}

@test "crm-log add: --ts sets the timestamp, written in the canonical form" {
	run crm-log add -f log.tsv -c C1 --channel sms --type care --ts 2026-01-02T03:04:05.25-05:00
	assert_success
	run cut -f2 log.tsv
	assert_output $'ts\n2026-01-02T03:04:05-05:00'
}

@test "crm-log add: typed values are normalised, free text is kept byte for byte" {
	run crm-log add -f log.tsv -c C1 --channel PHONE --type Care --initiator Company \
		--ts '2026-11-23 09:30+08' --next-action 2026/12/01 --satisfaction ' 5' \
		--duration 60 --agent ' A07 ' --outcome ' ok' --note '  spaced  '
	assert_success
	id=$output
	run sed -n 2p log.tsv
	assert_output "$id"$'\t2026-11-23T09:30:00+08:00\tC1\tphone\tcare\tcompany\t A07 \t60\t ok\t5\t2026-12-01\t  spaced  \t'
}

@test "crm-log add: the default timestamp is now in local time with its offset" {
	CRM_AS_OF=2026-11-23 TZ=Asia/Shanghai run crm-log add -f log.tsv -c C1 --channel sms --type care
	assert_success
	run cut -f2 log.tsv
	assert_output $'ts\n2026-11-23T00:00:00+08:00'
	run crm-log add -f log.tsv -c C1 --channel sms --type care
	assert_success
	run sed -n 3p log.tsv
	assert_output --regexp $'^I[^\t]+\t20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\+00:00\t'
}

@test "crm-log add: a bad CRM_AS_OF is an error" {
	CRM_AS_OF=yesterday run crm-log add -f log.tsv -c C1 --channel sms --type care
	assert_failure 2
	assert_output "crm-log: CRM_AS_OF: not a timestamp 'yesterday'"
}

@test "crm-log add: ids from one process and from many are unique and sort by time" {
	for i in 1 2 3 4 5; do crm-log add -f log.tsv -c C$i --channel sms --type care >>ids; done
	run sort -c ids
	assert_success
	run sh -c 'sort -u ids | wc -l'
	assert_output 5
}

@test "crm-log add: creates the log under CRM_DIR with mode 0600 and its header" {
	mkdir store
	umask 022
	CRM_DIR=$T/store run crm-log add -c C1 --channel visit --type care
	assert_success
	run stat -c %a store/interactions.tsv
	assert_output 600
	run head -1 store/interactions.tsv
	assert_output "$HDR"
}

@test "crm-log add: without -f or CRM_DIR there is no log to write" {
	run crm-log add -c C1 --channel visit --type care
	assert_failure 2
	assert_output "crm-log: no interactions.tsv: give -f FILE or set CRM_DIR"
}

@test "crm-log add: a Chinese note with tabs, newlines and backslashes round-trips exactly" {
	note=$'刹车异响\t左前轮\n客户说：“很吵”\\ 第二次\r来店'
	crm-log add -f log.tsv -c C1 --channel visit --type complaint --note "$note" --outcome $'转\t技术部'
	run cut -f12 log.tsv
	assert_output $'note\n刹车异响\\t左前轮\\n客户说：“很吵”\\\\ 第二次\\r来店'
	run crm-log show -f log.tsv --format jsonl
	assert_output --partial '"outcome":"转\t技术部","satisfaction":null,"next_action":"","note":"刹车异响\t左前轮\n客户说：“很吵”\\ 第二次\r来店","campaign":""}'
	# through show and add - into a second log: byte-identical records
	crm-log show -f log.tsv | crm-log add -f copy.tsv -
	cmp log.tsv copy.tsv
}

@test "crm-log add: every invalid value is reported with the field and nothing is written" {
	run crm-log add -f log.tsv -c C1 --channel fax --type inquiry
	assert_failure 1
	assert_output "crm-log: channel: unknown channel 'fax' (accepted: visit, phone, sms, email, letter, ivr, chat, web, social, forum, event, self_service)"
	run crm-log add -f log.tsv -c C1 --channel phone --type chat
	assert_failure 1
	assert_output "crm-log: type: unknown type 'chat' (accepted: inquiry, care, complaint, suggestion, objection, order, followup, survey, other)"
	run crm-log add -f log.tsv -c C1 --channel phone --type care --initiator both
	assert_failure 1
	assert_output "crm-log: initiator: unknown initiator 'both' (accepted: company, customer)"
	run crm-log add -f log.tsv -c C1 --channel phone --type care --satisfaction 6 --duration 1m
	assert_failure 1
	assert_line -n 0 "crm-log: duration_s: not an integer '1m'"
	assert_line -n 1 "crm-log: satisfaction: out of range (1..5) '6'"
	run crm-log add -f log.tsv -c C1 --channel phone --type care --next-action 2026-02-30
	assert_failure 1
	assert_output "crm-log: next_action: day out of range '2026-02-30'"
	run crm-log add -f log.tsv -c C1 --channel phone --type care --ts '2026-11-23 09:30'
	assert_failure 1
	assert_output "crm-log: ts: missing UTC offset '2026-11-23 09:30'"
	run crm-log add -f log.tsv -c 'C 1' --channel phone --type care
	assert_failure 1
	assert_output "crm-log: customer_id: not an id (contains whitespace) 'C 1'"
	run crm-log add -f log.tsv -c '' --channel phone --type care
	assert_failure 1
	assert_output "crm-log: customer_id: missing value"
	run crm-log add -f log.tsv -c C1 --channel phone --type care --note $'\xff'
	assert_failure 1
	assert_output "crm-log: note: not valid UTF-8 '\\xff'"
	[ ! -e log.tsv ]
}

@test "crm-log add: -c, --channel and --type are required" {
	run crm-log add -f log.tsv -c C1 --channel phone
	assert_failure 2
	assert_line -n 0 "crm-log: add: -c, --channel and --type are required"
	assert_line -n 1 --partial "usage: crm-log add"
}

@test "crm-log add: --csv is only for records on standard input" {
	run crm-log add -f log.tsv --csv -c C1 --channel phone --type care
	assert_failure 2
	assert_output "crm-log: add: --csv and --ignore-extra are for 'add -'"
	run crm-log add -f log.tsv -c C1 -
	assert_failure 2
	assert_output "crm-log: add -: field options do not mix with records on standard input"
}

@test "crm-log add: refuses a log whose header is not the interactions header" {
	printf 'a\tb\n' >log.tsv
	run crm-log add -f log.tsv -c C1 --channel phone --type care
	assert_failure 2
	assert_output --partial "crm-log: log.tsv: header does not match the expected 'id"
	run cat log.tsv
	assert_output $'a\tb'
}

@test "crm-log: a symbolic link is refused for writing and repairing, read for show" {
	cp "$L/small.tsv" real.tsv
	ln -s real.tsv log.tsv
	run crm-log add -f log.tsv -c C1 --channel phone --type care
	assert_failure 2
	assert_output "crm-log: log.tsv: is a symbolic link, refused"
	run crm-log check --repair -f log.tsv
	assert_failure 2
	assert_output "crm-log: log.tsv: is a symbolic link, refused"
	run crm-log show -f log.tsv --type order
	assert_success
	assert_output "$(sed -n '1p;6p' "$L/small.tsv")"
}

@test "crm-log add: --sync appends as usual" {
	run crm-log add --sync -f log.tsv -c C1 --channel phone --type care
	assert_success
	run crm-log check -f log.tsv
	assert_success
	assert_output ""
}

# --- add -: many records from standard input ---

@test "crm-log add -: appends the valid records, fills id and ts, reports the others by line" {
	export CRM_AS_OF=2026-11-23T10:00:00+08:00
	printf '%s\n' $'customer_id\tchannel\ttype\tnote\tid' \
		$'C1\tphone\tcare\tfirst\t' \
		$'C2\tfax\tcare\tsecond\tX2' \
		$'C3\tsms\torder\tthird\tX3' \
		$'C4\tsms\n' \
		$'C5\tweb\tsurvey\tfifth\tX5' >in.tsv
	run crm-log add -f log.tsv - <in.tsv
	assert_failure 1
	assert_line -n 0 "crm-log: -:3: channel: unknown channel 'fax' (accepted: visit, phone, sms, email, letter, ivr, chat, web, social, forum, event, self_service)"
	assert_line -n 1 --partial "crm-log: -:5: "
	run cut -f1-5,12 log.tsv
	assert_line -n 0 $'id\tts\tcustomer_id\tchannel\ttype\tnote'
	assert_line -n 1 --regexp $'^I[0-9]{8}T[0-9]{12}[0-9A-Z]{4}\t2026-11-23T10:00:00\\+08:00\tC1\tphone\tcare\tfirst$'
	assert_line -n 2 $'X3\t2026-11-23T10:00:00+08:00\tC3\tsms\torder\tthird'
	assert_line -n 3 $'X5\t2026-11-23T10:00:00+08:00\tC5\tweb\tsurvey\tfifth'
	[ "${#lines[@]}" -eq 4 ]
}

@test "crm-log add -: all valid input exits 0 and empty input adds nothing" {
	crm-log show -f "$L/small.tsv" | crm-log add -f log.tsv -
	cmp "$L/small.tsv" log.tsv
	run crm-log add -f log2.tsv - </dev/null
	assert_success
	run cat log2.tsv
	assert_output "$HDR"
}

@test "crm-log add - --csv: reads CSV with quoted commas and newlines" {
	printf 'customer_id,channel,type,note\r\nC1,visit,care,"到店，保养\r\n第二行"\r\nC2,chat,inquiry,"say ""hi"""\r\n' >in.csv
	CRM_AS_OF=2026-11-23T10:00:00Z run crm-log add --csv -f log.tsv - <in.csv
	assert_success
	run cut -f3,12 log.tsv
	assert_output $'customer_id\tnote\nC1\t到店，保养\\r\\n第二行\nC2\tsay "hi"'
}

@test "crm-log add -: columns the log does not have are an error unless --ignore-extra" {
	printf 'customer_id\tchannel\ttype\tvip\tscore\nC1\tsms\tcare\t1\t9\n' >in.tsv
	run crm-log add -f log.tsv - <in.tsv
	assert_failure 2
	assert_output "crm-log: -:1: columns not in the log: vip, score (the log has a fixed header; --ignore-extra drops them)"
	run cat log.tsv
	assert_output "$HDR"
	run crm-log add --ignore-extra -f log.tsv - <in.tsv
	assert_success
	run cut -f3-5 log.tsv
	assert_output $'customer_id\tchannel\ttype\nC1\tsms\tcare'
}

@test "crm-log add -: a missing required column or a repeated one is an error" {
	printf 'channel\ttype\nsms\tcare\n' | { run crm-log add -f log.tsv -; assert_failure 2; assert_output "crm-log: -:1: missing column customer_id"; }
	printf 'customer_id\tchannel\ttype\ttype\nC1\tsms\tcare\tcare\n' | { run crm-log add -f log.tsv -; assert_failure 2; assert_output "crm-log: -:1: column 'type' appears twice"; }
}

@test "crm-log add -: batches larger than a chunk arrive whole and in order" {
	crm-gen --seed 3 interactions 20000 >in.tsv
	run crm-log add -f log.tsv - <in.tsv
	assert_success
	cut -f1-12 log.tsv | cmp in.tsv -
}

@test "crm-log add -: a given id already in the log or earlier in the input is reported and not written" {
	export CRM_AS_OF=2026-11-23T10:00:00Z
	printf '%s\n' $'id\tcustomer_id\tchannel\ttype' $'X1\tC1\tsms\tcare' | crm-log add -f log.tsv -
	printf '%s\n' $'id\tcustomer_id\tchannel\ttype' \
		$'X1\tC2\tsms\tcare' \
		$'X9\tC3\tsms\tcare' \
		$'\tC4\tsms\tcare' \
		$'X9\tC5\tsms\tcare' \
		$'X10\tC6\tsms\tcare' >in.tsv
	run crm-log add -f log.tsv - <in.tsv
	assert_failure 1
	assert_line -n 0 "crm-log: -:2: id: duplicate id 'X1' (already in the log): record not added"
	assert_line -n 1 "crm-log: -:5: id: duplicate id 'X9' (first on line 3): record not added"
	[ "${#lines[@]}" -eq 2 ]
	run cut -f3 log.tsv
	assert_output $'customer_id\nC1\nC3\nC4\nC6'
	run crm-log check -f log.tsv
	assert_success
}

@test "crm-log add -: writers adding the same ids at once write each id once" {
	crm-gen --seed 4 interactions 20000 >in.tsv
	crm-log add -f log.tsv - </dev/null
	for w in 1 2 3 4; do
		( rc=0; crm-log add -f log.tsv - <in.tsv 2>err.$w || rc=$?; echo $rc >rc.$w ) &
	done
	for job in $(jobs -p); do wait "$job"; done
	[ "$(wc -l <log.tsv)" -eq 20001 ]
	run crm-log check -f log.tsv
	assert_success
	# every writer exits 0 or 1; together they report every id but once
	dups=0
	for w in 1 2 3 4; do
		rc=$(cat rc.$w)
		[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]
		dups=$((dups + $(grep -c 'duplicate id' err.$w || true)))
	done
	[ "$dups" -eq 60000 ]
}

# --- torn tails, repair, failures ---

@test "crm-log: a torn tail stops the next writer until check --repair cuts it off" {
	cp "$L/small.tsv" log.tsv
	printf 'I9\t2026-11-0' >>log.tsv
	cp log.tsv before.tsv
	run crm-log add -f log.tsv -c C1 --channel sms --type care
	assert_failure 2
	assert_output "crm-log: log.tsv: torn last line (12 bytes after the last newline, left by an interrupted write); 'crm-log check --repair -f log.tsv' cuts it off"
	cmp log.tsv before.tsv
	run crm-log show -f log.tsv -c C1002
	assert_failure 1
	assert_line -n 0 "crm-log: log.tsv: torn last line ignored (12 bytes after the last newline); 'crm-log check --repair -f log.tsv' cuts it off"
	assert_line -n 3 --partial $'I6\t'
	run crm-log check --repair -f log.tsv
	assert_success
	assert_output "crm-log: log.tsv: cut off a torn last line (12 bytes), kept in log.tsv.torn"
	cmp log.tsv "$L/small.tsv"
	run cat log.tsv.torn
	assert_output $'I9\t2026-11-0'
	run stat -c %a log.tsv.torn
	assert_output 600
	printf 'again' >>log.tsv
	run crm-log check --repair -f log.tsv
	assert_success
	assert_output "crm-log: log.tsv: cut off a torn last line (5 bytes), kept in log.tsv.torn.1"
	run crm-log add -f log.tsv -c C1 --channel sms --type care
	assert_success
}

@test "crm-log: a writer killed in the middle of a record leaves a tail that check --repair cuts" {
	cp "$L/small.tsv" log.tsv
	size=$(stat -c %s log.tsv)
	CRM_TEST_PAUSE_WRITE=30 crm-log add -f log.tsv -c C9 --channel sms --type care --note 'half of me' >id.out &
	pid=$!
	while [ "$(stat -c %s log.tsv)" -eq "$size" ]; do sleep 0.05; done
	kill -9 $pid
	wait $pid || true
	[ ! -s id.out ]
	run crm-log check -f log.tsv
	assert_failure 1
	assert_output --regexp "^crm-log: log.tsv:8: torn last line \([0-9]+ bytes after the last newline\); 'crm-log check --repair -f log.tsv' cuts it off$"
	run crm-log check --repair -f log.tsv
	assert_success
	cmp log.tsv "$L/small.tsv"
	run crm-log check -f log.tsv
	assert_success
}

@test "crm-log: writers killed at random moments lose no record they reported as written" {
	crm-gen --seed 5 interactions 3000 | cut -f2- >batch.tsv
	crm-log add -f log.tsv -c C0 --channel sms --type care >ids.0
	for round in 1 2 3 4 5 6; do
		pids=()
		for j in 1 2 3; do
			( for k in 1 2 3 4 5 6 7 8; do crm-log add -f log.tsv -c C$round$j --channel phone --type care --note "r$round w$j n$k" || exit 0; done ) >ids.$round.$j 2>/dev/null &
			pids+=($!)
		done
		if [ $((round % 2)) -eq 0 ]; then
			CRM_TEST_PAUSE_WRITE=2 crm-log add -f log.tsv - <batch.tsv 2>/dev/null &
		else
			crm-log add -f log.tsv - <batch.tsv 2>/dev/null &
		fi
		pids+=($!)
		sleep 0.$((RANDOM % 4))$((RANDOM % 10))
		kill -9 "${pids[@]}" 2>/dev/null || true
		wait || true
		crm-log check --repair -f log.tsv 2>/dev/null || true
	done
	run crm-log check -f log.tsv
	assert_success
	assert_output ""
	cat ids.* | grep -E '^I[0-9]{8}T[0-9]{12}[0-9A-Z]{4}$' >reported || true
	[ -s reported ]
	cut -f1 log.tsv | grep -Fxf reported >found
	[ "$(wc -l <found)" -eq "$(wc -l <reported)" ]
}

@test "crm-log: a full disk leaves the log byte-identical and exits 2 naming the file" {
	if [ "$(id -u)" -ne 0 ]; then
		skip "needs root to mount a small tmpfs"
	fi
	mkdir mnt
	if ! mount -t tmpfs -o size=64k tmpfs mnt 2>/dev/null; then
		skip "cannot mount a tmpfs here"
	fi
	# a log of exactly one page, so that the next byte needs a new one
	{ echo "$HDR"; printf 'I1\t2026-11-01T09:00:00+08:00\tC1\tsms\tcare\t\t\t\t\t\t\t'; } >mnt/log.tsv
	pad=$((4096 - 1 - $(stat -c %s mnt/log.tsv)))
	head -c $pad /dev/zero | tr '\0' x >>mnt/log.tsv
	echo >>mnt/log.tsv
	[ "$(stat -c %s mnt/log.tsv)" -eq 4096 ]
	cp mnt/log.tsv before.tsv
	dd if=/dev/zero of=mnt/fill bs=1k count=100 2>/dev/null || true
	run crm-log add -f mnt/log.tsv -c C1 --channel sms --type care
	status1=$status
	out1=$output
	crm-gen interactions 2000 | cut -f2- >batch.tsv
	run crm-log add -f mnt/log.tsv - <batch.tsv
	status2=$status
	out2=$output
	cmp mnt/log.tsv before.tsv
	cmpst=$?
	umount mnt
	[ "$cmpst" -eq 0 ]
	[ "$status1" -eq 2 ]
	[ "$out1" = "crm-log: mnt/log.tsv: write error: No space left on device" ]
	[ "$status2" -eq 2 ]
	[ "$out2" = "crm-log: mnt/log.tsv: write error: No space left on device; 0 records written, none from input line 2 on (resume with: { head -n 1 INPUT; tail -n +2 INPUT; } | crm-log add -)" ]
}

@test "crm-log: 8 single writers and 8 batch writers at once give 44,000 whole records" {
	for b in 1 2 3 4 5 6 7 8; do
		crm-gen --seed $b interactions 5000 | cut -f2- >batch.$b
	done
	crm-log add -f log.tsv - </dev/null
	for w in 1 2 3 4 5 6 7 8; do
		( for i in $(seq 500); do crm-log add -f log.tsv -c S$w --channel phone --type care --note "w$w $i" >/dev/null || exit 1; done ) &
		( crm-log add -f log.tsv - <batch.$w ) &
	done
	fails=0
	for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
	[ "$fails" -eq 0 ]
	run crm-log check -f log.tsv
	assert_success
	assert_output ""
	[ "$(wc -l <log.tsv)" -eq 44001 ]
	[ "$(cut -f1 log.tsv | sort -u | wc -l)" -eq 44001 ]
	for w in 1 2 3 4 5 6 7 8; do
		[ "$(grep -c $'\tS'$w$'\tphone\t' log.tsv)" -eq 500 ]
	done
}

# --- show ---

@test "crm-log show: without filters prints the whole log with its header" {
	run crm-log show -f "$L/small.tsv"
	assert_success
	golden "$L/small.tsv"
}

@test "crm-log show: -c, --channel, --type, --agent and --initiator filter exactly" {
	run crm-log show -f "$L/small.tsv" -c C1001
	assert_success
	assert_output "$(sed -n '1,2p;4p;6p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --channel web
	assert_output "$(sed -n '1p;5p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --type care
	assert_output "$(sed -n '1p;3p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --agent A02
	assert_output "$(sed -n '1p;3p;6p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --initiator company -c C1001
	assert_output "$(sed -n '1p;4p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" -c C9999
	assert_success
	assert_output "$HDR"
}

@test "crm-log show: --since and --until take dates (the day written) or instants" {
	run crm-log show -f "$L/small.tsv" --since 2026-11-01 --until 2026-11-03
	assert_output "$(sed -n '1,4p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --since 2026-11-01T12:00:00+08:00 --until 2026-11-02T10:30:00+08:00
	assert_output "$(sed -n '1p;3p;6p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --until 2026-10-31
	assert_output "$(sed -n '1p;6p' "$L/small.tsv")"
	# other ISO 8601 forms; without an offset the time is local (TZ=UTC)
	run crm-log show -f "$L/small.tsv" --since '2026-11-05 00:15' --until 2026-11-05T12:00Z
	assert_output "$(sed -n '1p;5p;7p' "$L/small.tsv")"
	run crm-log due -f "$L/due-log.tsv" --customers "$L/due-customers.tsv" --as-of 2026-06-30T23:59:00+08:00
	golden "$L/due.expected"
}

@test "crm-log show: --grep searches the note and the outcome with PCRE2" {
	run crm-log show -f "$L/small.tsv" --grep '保养|轮胎'
	assert_output "$(sed -n '1,2p;6p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --grep 'price'
	assert_output "$(sed -n '1p;7p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --grep '(?i)REMINDER'
	assert_output "$(sed -n '1p;4p' "$L/small.tsv")"
	# not the other fields
	run crm-log show -f "$L/small.tsv" --grep 'C1001|phone|A01'
	assert_output "$HDR"
}

@test "crm-log show: --grep matches the note's real tabs and newlines, and anchors at the note" {
	run crm-log show -f "$L/small.tsv" --grep '很差\t二次'
	assert_output "$(sed -n '1p;5p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --grep '^四条$'
	assert_output "$HDR"
	run crm-log show -f "$L/small.tsv" --grep '(?m)^四条$'
	assert_output "$(sed -n '1p;6p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --grep '^reminder'
	assert_output "$(sed -n '1p;4p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --grep 'change$'
	assert_output "$(sed -n '1p;4p' "$L/small.tsv")"
	run crm-log show -f "$L/small.tsv" --grep 'z\\n'
	assert_output "$HDR"
}

@test "crm-log show: --grep with a broken pattern is an error" {
	run crm-log show -f "$L/small.tsv" --grep '(abc'
	assert_failure 2
	assert_output "crm-log: --grep: missing closing parenthesis at offset 4 in '(abc'"
}

@test "crm-log show: --format csv and jsonl unescape the fields" {
	run crm-log show -f "$L/small.tsv" -c C1003 --format csv
	assert_success
	assert_output "$(printf 'id,ts,customer_id,channel,type,initiator,agent,duration_s,outcome,satisfaction,next_action,note,campaign\nI4,2026-11-05T08:15:00+08:00,C1003,web,complaint,customer,A03,600,escalated,1,,刹车异响，态度很差\t二次投诉,')"
	run crm-log show -f "$L/small.tsv" -c C1003 --format jsonl
	assert_output '{"id":"I4","ts":"2026-11-05T08:15:00+08:00","customer_id":"C1003","channel":"web","type":"complaint","initiator":"customer","agent":"A03","duration_s":600,"outcome":"escalated","satisfaction":1,"next_action":"","note":"刹车异响，态度很差\t二次投诉","campaign":""}'
	run crm-log show -f "$L/small.tsv" --format xml
	assert_failure 2
	assert_output "crm-log: --format: unknown format 'xml' (accepted: tsv, csv, jsonl)"
}

@test "crm-log show: a --grep match that hits the match limit is reported and the other records still shown" {
	# 40 a's then '!': (a+)+$ backtracks exponentially without a limit
	run --separate-stderr crm-log show -f "$L/limit.tsv" --grep '(a+)+$'
	assert_failure 1
	# L3's note gives up but its outcome matches, so L3 is shown
	assert_output "$(sed -n '1p;3p;4p' "$L/limit.tsv")"
	[ "$stderr" = "crm-log: $L/limit.tsv:2: note: pattern '(a+)+\$': match limit exceeded
crm-log: $L/limit.tsv:5: note: pattern '(a+)+\$': match limit exceeded" ]
}

@test "crm-log show: an unanchored --grep that hits the limit over a block falls back to each record" {
	run --separate-stderr crm-log show -f "$L/limit.tsv" --grep '(a+)+b'
	assert_failure 1
	assert_output "$(sed -n '1p;6p' "$L/limit.tsv")"
	[ "$stderr" = "crm-log: $L/limit.tsv:5: note: pattern '(a+)+b': match limit exceeded" ]
	# the limit does not stop a plain pattern over the same lines
	run crm-log show -f "$L/limit.tsv" --grep 'a!b'
	assert_success
	assert_output "$(sed -n '1p;5p' "$L/limit.tsv")"
}

@test "crm-log show: --excel-safe neutralises formula-like CSV cells and leaves numbers alone" {
	run crm-log show -f "$L/excel.tsv" --format csv --excel-safe
	assert_success
	assert_output "$(printf '%s\n' \
		'id,ts,customer_id,channel,type,initiator,agent,duration_s,outcome,satisfaction,next_action,note' \
		"E1,2026-11-01T09:00:00+08:00,\"'=1+1\",phone,complaint,customer,A01,60,\"'+86 call back\",2,2026-11-10,\"'=SUM(A1:A9)\"" \
		"E2,2026-11-02T10:30:00+08:00,C2002,web,inquiry,customer,A02,,-15.20,,,\"'@cmd\"" \
		"E3,2026-11-03T14:00:00+08:00,C2003,sms,followup,company,A03,,,3,,\"'	leading tab\"" \
		"E4,2026-11-04T14:00:00+08:00,C2004,visit,care,company,\"'-A4\",,,5,,\"'-refund asked, \"\"now\"\"\"")"
	# without it the cells are written as they are
	run crm-log show -f "$L/excel.tsv" -c C2002 --format csv
	assert_output "$(printf '%s\n' \
		'id,ts,customer_id,channel,type,initiator,agent,duration_s,outcome,satisfaction,next_action,note' \
		'E2,2026-11-02T10:30:00+08:00,C2002,web,inquiry,customer,A02,,-15.20,,,@cmd')"
}

@test "crm-log due and stats: --excel-safe applies to their CSV output" {
	run crm-log due -f "$L/excel.tsv" --as-of 2026-11-30 --policy first-year=none,after=none --format csv --excel-safe
	assert_success
	assert_output $'customer_id,due,reason,last_contact\n"\'=1+1",2026-11-10,next_action,2026-11-01'
	run crm-log stats -f "$L/excel.tsv" --format csv --excel-safe
	assert_success
	assert_output "$(crm-log stats -f "$L/excel.tsv" --format csv)"
	assert_line -n 1 'channel,visit,1'
}

@test "crm-log: --excel-safe without --format csv is a usage error" {
	run crm-log show -f "$L/excel.tsv" --excel-safe
	assert_failure 2
	assert_output "crm-log: --excel-safe applies to --format csv only"
	run crm-log show -f "$L/excel.tsv" --format jsonl --excel-safe
	assert_failure 2
	assert_output "crm-log: --excel-safe applies to --format csv only"
	run crm-log due -f "$L/excel.tsv" --format tsv --excel-safe
	assert_failure 2
	assert_output "crm-log: --excel-safe applies to --format csv only"
	run crm-log stats -f "$L/excel.tsv" --excel-safe
	assert_failure 2
	assert_output "crm-log: --excel-safe applies to --format csv only"
}

@test "crm-log show: reads standard input with - and the log under CRM_DIR" {
	run sh -c "crm-log show --type order - <'$L/small.tsv'"
	assert_success
	assert_output "$(sed -n '1p;6p' "$L/small.tsv")"
	mkdir d
	cp "$L/small.tsv" d/interactions.tsv
	CRM_DIR=$T/d run crm-log show --type order
	assert_output "$(sed -n '1p;6p' "$L/small.tsv")"
	run crm-log show -f x.tsv -
	assert_failure 2
	assert_output "crm-log: give -f FILE or -, not both"
	run crm-log show -f missing.tsv
	assert_failure 2
	assert_output "crm-log: missing.tsv: No such file or directory"
}

@test "crm-log show: unknown filter values and bad times are usage errors" {
	run crm-log show -f "$L/small.tsv" --channel fax
	assert_failure 2
	assert_output "crm-log: --channel: unknown value 'fax' (accepted: visit, phone, sms, email, letter, ivr, chat, web, social, forum, event, self_service)"
	run crm-log show -f "$L/small.tsv" --type x
	assert_failure 2
	assert_output --partial "crm-log: --type: unknown value 'x' (accepted: inquiry,"
	run crm-log show -f "$L/small.tsv" --initiator me
	assert_failure 2
	assert_output "crm-log: --initiator: unknown value 'me' (accepted: company, customer)"
	run crm-log show -f "$L/small.tsv" --since 'last week'
	assert_failure 2
	assert_output "crm-log: --since: not a date or timestamp 'last week'"
}

@test "crm-log show: a record with a wrong field count is reported and skipped" {
	{ cat "$L/small.tsv"; printf 'I9\tbroken\n'; } >log.tsv
	run crm-log show -f log.tsv --type order
	assert_failure 1
	assert_line -n 0 "crm-log: log.tsv:8: wrong field count (expected 13)"
	assert_line -n 2 --partial $'I5\t'
}

@test "crm-log show --timeline: one customer's history as a table, oldest first, empty columns left out" {
	run crm-log show -f "$L/small.tsv" --timeline -c C1001
	assert_success
	golden "$L/timeline.expected"
	run crm-log show -f "$L/small.tsv" --timeline -c C1002
	golden "$L/timeline-c1002.expected"
	run crm-log show -f "$L/small.tsv" --timeline
	assert_failure 2
	assert_line -n 0 "crm-log: show: --timeline needs -c ID"
}

# tl-complaints.tsv and tl-tx.tsv are written around midnight in +08:00
# and -05:00: by the instant (UTC) the order is O0 (10-31T00Z), O1
# (11-01T00Z), I1 (01:00Z), K1 opened (03:00Z, written 10-31 22:00-05:00),
# K1 responded (04:00Z), I5 (04:30Z, written 10-31 23:30-05:00), K1
# classified (11-02T01:00Z), the 11-03 purchase (11-03T00Z), K1 resolved
# (01:00Z, written 11-02 20:00-05:00), I3 (06:00Z).  K2 and O2 are C1002's.
@test "crm-log show --timeline: --complaints and --transactions interleave by the instant across offsets" {
	run crm-log show -f "$L/small.tsv" --timeline -c C1001 \
		--complaints "$L/tl-complaints.tsv" --transactions "$L/tl-tx.tsv"
	assert_success
	golden "$L/timeline-merged.expected"
	run crm-log show -f "$L/small.tsv" --timeline -c C1001 \
		--complaints "$L/tl-complaints.tsv" --transactions "$L/tl-tx.tsv" --format tsv
	assert_success
	golden "$L/timeline-merged.tsv.expected"
	run cut -f1-4 <<<"$output"
	assert_output "ts	source	id	event
2026-10-31	transaction	O0	purchase
2026-11-01	transaction	O1	purchase
2026-11-01T09:00:00+08:00	interaction	I1	inquiry
2026-10-31T22:00:00-05:00	complaint	K1	opened
2026-11-01T12:00:00+08:00	complaint	K1	responded
2026-10-31T23:30:00-05:00	interaction	I5	order
2026-11-02T09:00:00+08:00	complaint	K1	classified
2026-11-03	transaction		purchase
2026-11-02T20:00:00-05:00	complaint	K1	resolved
2026-11-03T14:00:00+08:00	interaction	I3	followup"
	run crm-log show -f "$L/small.tsv" --timeline -c C1001 \
		--complaints "$L/tl-complaints.tsv" --transactions "$L/tl-tx.tsv" --format csv
	golden "$L/timeline-merged.csv.expected"
	run crm-log show -f "$L/small.tsv" --timeline -c C1001 \
		--complaints "$L/tl-complaints.tsv" --transactions "$L/tl-tx.tsv" --format jsonl
	golden "$L/timeline-merged.jsonl.expected"
	run crm-log show -f "$L/small.tsv" --timeline -c C1001 \
		--complaints "$L/tl-complaints.tsv" --transactions "$L/tl-tx.tsv" --format csv --excel-safe
	assert_success
}

@test "crm-log show --timeline: a date-only purchase sorts at 00:00 UTC of its day, before a record of that instant" {
	printf '%s\n' "$HDR" >log.tsv
	printf 'I1\t2026-11-01T00:00:00+00:00\tC1\tphone\tcare\t\t\t\t\t\t\tmidnight UTC\t\n' >>log.tsv
	printf 'I2\t2026-11-01T07:59:59+08:00\tC1\tphone\tcare\t\t\t\t\t\t\tbefore midnight UTC\t\n' >>log.tsv
	printf 'customer_id\tdate\tamount\nC1\t2026-11-01\t1\n' >tx.tsv
	run crm-log show -f log.tsv --timeline -c C1 --transactions tx.tsv --format tsv
	assert_success
	run cut -f1-3 <<<"$output"
	assert_output "ts	source	id
2026-11-01T07:59:59+08:00	interaction	I2
2026-11-01	transaction	
2026-11-01T00:00:00+00:00	interaction	I1"
}

@test "crm-log show --timeline: --since and --until bound the complaint events and purchases too" {
	run crm-log show -f "$L/small.tsv" --timeline -c C1001 --since 2026-11-01 --until 2026-11-02 \
		--complaints "$L/tl-complaints.tsv" --transactions "$L/tl-tx.tsv" --format tsv
	assert_success
	run cut -f2-4 <<<"$output"
	assert_output "source	id	event
transaction	O1	purchase
interaction	I1	inquiry
complaint	K1	responded
complaint	K1	classified
complaint	K1	resolved"
}

@test "crm-log show --timeline: --format writes the merged columns for the interactions alone" {
	run crm-log show -f "$L/small.tsv" --timeline -c C1002 --format tsv
	assert_success
	assert_output "ts	source	id	event	channel	agent	category	satisfaction	amount	note
2026-11-02T10:30:00+08:00	interaction	I2	care	visit	A02		5		节日问候
2026-11-05T20:00:00+08:00	interaction	I6	suggestion	email					建议延长营业时间"
}

@test "crm-log show --timeline: bad complaint and transaction records are named by file, line and field, the rest shown" {
	cp "$L/tl-complaints.tsv" c.tsv
	printf 'K1\t2026-11-04T25:00:00+08:00\tclose\t\t\t\t\t\t\t\t\t\t\t\t\n' >>c.tsv
	printf 'K9\t2026-11-04T10:00:00+08:00\tresolve\tC1001\t\t\t\t\t\t\t\t\t\t\t\n' >>c.tsv
	printf 'customer_id\tdate\tamount\nC1001\t2026-13-01\t5\nC1001\t2026-11-01\tabc\nC9\tbad\tbad\nC1001\t2026-11-02\t1\n' >tx.tsv
	run --separate-stderr crm-log show -f "$L/small.tsv" --timeline -c C1001 \
		--complaints c.tsv --transactions tx.tsv --format tsv
	assert_failure 1
	[ "${#lines[@]}" -eq 9 ]
	assert_line -n 5 "2026-11-02	transaction		purchase					1.00	"
	[ "$stderr" = "crm-log: c.tsv:7: ts: time out of range '2026-11-04T25:00:00+08:00'
crm-log: c.tsv:8: event: complaint was not opened 'resolve'
crm-log: tx.tsv:2: date: month out of range '2026-13-01'
crm-log: tx.tsv:3: amount: not a number 'abc'" ]
}

@test "crm-log show --timeline: an unreadable or columnless file is exit 2; the options need --timeline" {
	run crm-log show -f "$L/small.tsv" --timeline -c C1001 --complaints nonexistent.tsv
	assert_failure 2
	assert_output "crm-log: --complaints: nonexistent.tsv: No such file or directory"
	printf 'customer_id\tdate\n' >tx.tsv
	run crm-log show -f "$L/small.tsv" --timeline -c C1001 --transactions tx.tsv
	assert_failure 2
	assert_output "crm-log: --transactions: tx.tsv: no amount column"
	printf 'complaint_id\tts\n' >c.tsv
	run crm-log show -f "$L/small.tsv" --timeline -c C1001 --complaints c.tsv
	assert_failure 2
	assert_output "crm-log: --complaints: c.tsv: no event column"
	run crm-log show -f "$L/small.tsv" -c C1001 --transactions "$L/tl-tx.tsv"
	assert_failure 2
	assert_line -n 0 "crm-log: show: --complaints and --transactions need --timeline"
}

# --- due ---

@test "crm-log due: first year monthly, quarterly after, next_action until a later contact" {
	run crm-log due -f "$L/due-log.tsv" --customers "$L/due-customers.tsv" --as-of 2026-06-30
	assert_success
	golden "$L/due.expected"
}

@test "crm-log due: --policy changes the intervals; none turns return visits off" {
	run crm-log due -f "$L/due-log.tsv" --as-of 2026-06-30 --policy first-year=2w,after=none
	assert_success
	golden "$L/due-policy.expected"
	run crm-log due -f "$L/due-log.tsv" --as-of 2026-06-30 --policy first-year=none,after=none
	assert_output $'customer_id\tdue\treason\tlast_contact\nC6\t2026-06-25\tnext_action\t2026-06-10'
}

@test "crm-log due: as-of defaults to CRM_AS_OF and bad policies are usage errors" {
	CRM_AS_OF=2026-06-30 run crm-log due -f "$L/due-log.tsv" --customers "$L/due-customers.tsv"
	golden "$L/due.expected"
	run crm-log due -f "$L/due-log.tsv" --policy first-year=3x
	assert_failure 2
	assert_output "crm-log: --policy: bad interval '3x' in 'first-year=3x' (a number and d, w, m or y, e.g. 3m; or none)"
	run crm-log due -f "$L/due-log.tsv" --policy weekly=1w
	assert_failure 2
	assert_output "crm-log: --policy: unknown key 'weekly' (accepted: first-year, after)"
	run crm-log due -f "$L/due-log.tsv" --as-of 2026-13-01
	assert_failure 2
	assert_output "crm-log: --as-of: month out of range '2026-13-01'"
}

# Worked by hand: every customer last contacted 2026-03-01 (created
# 2025-01-01, so the quarterly interval: return visit due 2026-06-01), C1
# and C2 with a next_action of 2026-06-20; as of 2026-06-30.  C1 is lost:
# its return visit goes, the agent's next_action stays.  C2 is
# blacklisted (是): never due.  C3 is a customer: both rows.  C4 is lost
# (流失客户) and never contacted: no first-year visit either (it would be
# due at created plus the first-year month, 2025-02-01).
@test "crm-log due: no return visit for a lost customer and nothing for a blacklisted one; --include-lost lists them" {
	printf 'id\tts\tcustomer_id\tchannel\ttype\tinitiator\tagent\tduration_s\toutcome\tsatisfaction\tnext_action\tnote\n' >l.tsv
	for c in C1 C2 C3; do
		printf 'I%s\t2026-03-01T10:00:00+08:00\t%s\tphone\tcare\tcompany\tA1\t\t\t\t2026-06-20\t\n' "$c" "$c" >>l.tsv
	done
	printf 'customer_id\tcreated\tstatus\tblacklist\nC1\t2025-01-01\tlost\t0\nC2\t2025-01-01\tcustomer\t是\nC3\t2025-01-01\tcustomer\t\nC4\t2025-01-01\t流失客户\t\n' >c.tsv
	run crm-log due -f l.tsv --customers c.tsv --as-of 2026-06-30
	assert_success
	assert_output $'customer_id\tdue\treason\tlast_contact\nC3\t2026-06-01\treturn_visit\t2026-03-01\nC1\t2026-06-20\tnext_action\t2026-03-01\nC3\t2026-06-20\tnext_action\t2026-03-01'
	run crm-log due -f l.tsv --customers c.tsv --as-of 2026-06-30 --include-lost
	assert_success
	assert_output $'customer_id\tdue\treason\tlast_contact\nC4\t2025-02-01\treturn_visit\t\nC1\t2026-06-01\treturn_visit\t2026-03-01\nC2\t2026-06-01\treturn_visit\t2026-03-01\nC3\t2026-06-01\treturn_visit\t2026-03-01\nC1\t2026-06-20\tnext_action\t2026-03-01\nC2\t2026-06-20\tnext_action\t2026-03-01\nC3\t2026-06-20\tnext_action\t2026-03-01'
	# a status or blacklist that is no such value is reported, the rest stands
	printf 'customer_id\tcreated\tstatus\tblacklist\nC1\t2025-01-01\tgone\t0\nC2\t2025-01-01\tcustomer\tmaybe\n' >bad.tsv
	run crm-log due -f l.tsv --customers bad.tsv --as-of 2026-06-30
	assert_failure 1
	assert_line -n 0 --partial "crm-log: bad.tsv:2: status: unknown status (accepted: "
	assert_line -n 1 --partial "crm-log: bad.tsv:3: blacklist: not a yes/no value (accepted: "
}

@test "crm-log due: a bad created date is reported and the customer's first contact is used" {
	printf 'customer_id\tcreated\nC9\tsoon\n' >c.tsv
	run crm-log due -f "$L/due-log.tsv" --customers c.tsv --as-of 2026-04-09 --policy after=none
	assert_failure 1
	assert_line -n 0 "crm-log: c.tsv:2: created: not a date 'soon'"
	assert_line $'C9\t2026-04-09\treturn_visit\t2026-03-09'
}

@test "crm-log due: an empty or repeated customer_id in --customers is reported, the first row standing" {
	printf 'customer_id\tcreated\nC1\t2026-01-01\nC1\t2026-02-01\n\t2026-01-01\n' >c.tsv
	printf 'id\tts\tcustomer_id\tchannel\ttype\n' >l.tsv
	run --separate-stderr crm-log due -f l.tsv --customers c.tsv --as-of 2026-06-30
	assert_failure 1
	assert_output $'customer_id\tdue\treason\tlast_contact\nC1\t2026-02-01\treturn_visit\t'
	assert_equal "$stderr" "crm-log: c.tsv:3: customer_id: customer listed twice (first on line 2) 'C1'
crm-log: c.tsv:4: customer_id: missing"
}

# --- check and stats ---

@test "crm-log check: a clean log passes silently" {
	run crm-log check -f "$L/small.tsv"
	assert_success
	assert_output ""
}

@test "crm-log check: finds wrong field counts, duplicate ids, bad values and a torn tail" {
	run --separate-stderr crm-log check -f "$L/damaged.tsv"
	assert_failure 1
	output=${stderr//"$L/"/}
	golden "$L/check-damaged.expected"
}

@test "crm-log check: finds a bad header" {
	cd "$L"
	run crm-log check -f badheader.tsv
	assert_failure 1
	golden "$L/check-badheader.expected"
}

# seq_log FILE: a complaint log whose lines are each valid, some of them
# impossible in sequence.
seq_log() {
	printf 'complaint_id\tts\tevent\tcustomer_id\tstatus\tseverity\tagent\tsatisfaction\ttext\n' >"$1"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
	    K1 2026-01-01T09:00:00+08:00 open C1 open normal ann '' slow \
	    K2 2026-01-01T10:00:00+08:00 respond '' responded '' ann '' '' \
	    K1 2026-01-01T11:00:00+08:00 resolve '' resolved '' '' 4 '' \
	    K1 2026-01-01T12:00:00+08:00 close '' closed '' '' '' '' \
	    K1 2026-01-01T13:00:00+08:00 close '' closed '' '' '' '' \
	    K1 2026-01-01T13:30:00+08:00 assign '' assigned '' bo '' '' \
	    K1 2026-01-01T14:00:00+08:00 open C1 open normal ann '' 'again\nand again' \
	    K3 2026-01-02T09:00:00+08:00 open C3 open normal ann '' x \
	    K3 2026-01-02T08:00:00+08:00 respond '' responded '' ann '' '' \
	    K1 2026-01-01T15:00:00+08:00 reopen '' reopened '' '' '' '' \
	    K1 2026-01-01T16:00:00+08:00 close '' closed '' '' '' '' \
	    K4 2026-01-02T09:00:00+08:00 open C3 open bad ann '' x \
	    K4 2026-01-02T10:00:00+08:00 respond '' responded '' ann '' '' \
	    K3 2026-01-02T10:00:00+08:00 reopen '' reopened '' '' '' '' \
	    K3 2026-01-02T11:00:00+08:00 resolve '' resolved '' '' '' '' \
	    K3 2026-01-02T12:00:00+08:00 classify '' resolved high '' '' '' >>"$1"
}

seq_msgs() {
	printf '%s\n' \
	    "crm-log: $1:3: event: cannot respond 'K2': complaint was not opened" \
	    "crm-log: $1:6: event: cannot close 'K1': complaint is closed" \
	    "crm-log: $1:7: event: cannot assign 'K1': complaint is closed" \
	    "crm-log: $1:8: event: cannot open 'K1': complaint is already open" \
	    "crm-log: $1:10: ts: cannot respond 'K3': 2026-01-02T08:00:00+08:00 is before its last event at 2026-01-02T09:00:00+08:00" \
	    "crm-log: $1:12: event: cannot close 'K1': complaint is reopened" \
	    "crm-log: $1:13: severity: unknown severity (accepted: low, normal, high, urgent) 'bad'" \
	    "crm-log: $1:14: event: cannot respond 'K4': complaint was not opened" \
	    "crm-log: $1:15: event: cannot reopen 'K3': complaint is open" \
	    "crm-log: $1:17: event: cannot classify 'K3': complaint is resolved"
}

@test "crm-log check: replays a complaint log's events and reports each one impossible in sequence" {
	seq_log c.tsv
	run --separate-stderr crm-log check -f c.tsv
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "$(seq_msgs c.tsv)"
	# the same from standard input
	run --separate-stderr crm-log check - <c.tsv
	assert_failure 1
	assert_equal "$stderr" "$(seq_msgs -)"
}

@test "crm-log check: a complaint log crm-complaint wrote through every event passes silently" {
	id=$(crm-complaint open -f c.tsv -c C1 --text 'so rude' --ts 2026-01-01T09:00:00+08:00 --format tsv | tail -n 1 | cut -f1)
	h=0
	for e in assign:'--agent bo' respond: resolve:'--satisfaction 2' reopen: resolve: close:'--satisfaction 4'; do
		h=$((h + 1))
		# shellcheck disable=SC2086
		crm-complaint update -f c.tsv "$id" --event "${e%%:*}" ${e#*:} \
		    --ts "2026-01-01T1${h}:00:00+08:00" >/dev/null
	done
	# what update refuses, check would report
	run crm-complaint update -f c.tsv "$id" --event classify --severity high \
	    --ts 2026-01-02T09:00:00+08:00
	assert_failure 1
	assert_output "crm-complaint: cannot classify $id: complaint is closed"
	run crm-log check -f c.tsv
	assert_success
	assert_output ""
	assert_equal "$(wc -l <c.tsv)" 8
}

@test "crm-log check --repair cuts a complaint log's torn tail and keeps its impossible events" {
	seq_log c.tsv
	cp c.tsv whole.tsv
	printf 'K9\t2026-01-03T09:00:00+08:00\top' >>c.tsv
	run --separate-stderr crm-log check --repair -f c.tsv
	assert_failure 1
	assert_equal "$stderr" "$(echo "crm-log: c.tsv: cut off a torn last line (31 bytes), kept in c.tsv.torn"; seq_msgs c.tsv)"
	cmp c.tsv whole.tsv
	run --separate-stderr crm-log check --repair -f c.tsv
	assert_failure 1
	assert_equal "$stderr" "$(seq_msgs c.tsv)"
	cmp c.tsv whole.tsv
}

@test "crm-log check: an empty file has no header; --repair needs a file" {
	: >empty.tsv
	run crm-log check -f empty.tsv
	assert_failure 1
	assert_output "crm-log: empty.tsv: empty file (no header)"
	run crm-log check --repair - <"$L/small.tsv"
	assert_failure 2
	assert_output "crm-log: check: --repair needs a file, not standard input"
	run sh -c "crm-log check - <'$L/small.tsv'"
	assert_success
}

@test "crm-log stats: counts per channel and per type" {
	run crm-log stats -f "$L/small.tsv"
	assert_success
	golden "$L/stats.expected"
}

# --- rekey ---

@test "crm-log rekey: rewrites the mapped customer ids, says how many, and the log still checks" {
	cp "$L/small.tsv" log.tsv
	run crm-log rekey -f log.tsv --id-map "$L/rekey-map.tsv"
	assert_success
	assert_output "log.tsv: 2 of 6 records re-keyed"
	run cat log.tsv
	golden "$L/rekey.expected"
	run crm-log check -f log.tsv
	assert_success
	assert_output ""
	# the same map again finds nothing to do and leaves the file alone
	ino=$(stat -c %i log.tsv)
	run crm-log rekey -f log.tsv --id-map "$L/rekey-map.tsv"
	assert_success
	assert_output "log.tsv: 0 of 6 records re-keyed"
	[ "$(stat -c %i log.tsv)" = "$ino" ]
	ls -A >files
	assert_equal "$(cat files)" "files
log.tsv"
}

@test "crm-log rekey: a map of ids the log does not hold changes nothing; a CSV map is read too" {
	cp "$L/small.tsv" log.tsv
	printf 'old_id,new_id\nC9,C1\nC8,C2\n' >map.csv
	run crm-log rekey -f log.tsv --id-map map.csv
	assert_success
	assert_output "log.tsv: 0 of 6 records re-keyed"
	cmp log.tsv "$L/small.tsv"
	printf 'old_id,new_id\nC1003,C1\n' >map.csv
	CRM_DIR=$PWD run crm-log rekey --id-map map.csv
	assert_failure 2
	assert_output "crm-log: $PWD/interactions.tsv: No such file or directory"
	mv log.tsv interactions.tsv
	CRM_DIR=$PWD run crm-log rekey --id-map map.csv
	assert_success
	assert_output "$PWD/interactions.tsv: 1 of 6 records re-keyed"
	[ "$(cut -f3 interactions.tsv | grep -c '^C1$')" -eq 1 ]
}

@test "crm-log rekey: a cycle, a chain, an id mapped twice or to itself is refused with file and line, the log untouched" {
	cp "$L/small.tsv" log.tsv
	printf 'old_id\tnew_id\nC1001\tC1002\nC1002\tC1001\n' >cycle.tsv
	run crm-log rekey -f log.tsv --id-map cycle.tsv
	assert_failure 2
	assert_output "crm-log: --id-map: cycle.tsv:2: new_id: 'C1002' (for 'C1001') is itself mapped on line 3: a chain or a cycle, ids are mapped once"
	printf 'old_id\tnew_id\nC1001\tC1002\nC1003\tC1\nC1002\tC1003\n' >chain.tsv
	run crm-log rekey -f log.tsv --id-map chain.tsv
	assert_failure 2
	assert_output "crm-log: --id-map: chain.tsv:2: new_id: 'C1002' (for 'C1001') is itself mapped on line 4: a chain or a cycle, ids are mapped once"
	printf 'old_id\tnew_id\nC1001\tC1\nC1003\tC3\nC1001\tC2\n' >twice.tsv
	run crm-log rekey -f log.tsv --id-map twice.tsv
	assert_failure 2
	assert_output "crm-log: --id-map: twice.tsv:4: old_id: mapped twice, to 'C1' and 'C2'"
	printf 'old_id\tnew_id\nC1001\tC1\nC1001\tC1\n' >again.tsv
	run crm-log rekey -f log.tsv --id-map again.tsv
	assert_failure 2
	assert_output "crm-log: --id-map: again.tsv:3: old_id: mapped twice, also on line 2"
	printf 'old_id\tnew_id\nC1\tC2\nC1001\tC1001\n' >self.tsv
	run crm-log rekey -f log.tsv --id-map self.tsv
	assert_failure 2
	assert_output "crm-log: --id-map: self.tsv:3: new_id: 'C1001' is mapped to itself"
	printf 'old_id\tnew_id\nC1001\t\n' >empty.tsv
	run crm-log rekey -f log.tsv --id-map empty.tsv
	assert_failure 2
	assert_output "crm-log: --id-map: empty.tsv:2: new_id: empty value"
	printf 'old\tnew_id\n' >nocol.tsv
	run crm-log rekey -f log.tsv --id-map nocol.tsv
	assert_failure 2
	assert_output "crm-log: --id-map: nocol.tsv: no column 'old_id' (an id map has columns old_id and new_id)"
	run crm-log rekey -f log.tsv --id-map nonexistent.tsv
	assert_failure 2
	assert_output "crm-log: --id-map: nonexistent.tsv: No such file or directory"
	run crm-log rekey -f log.tsv
	assert_failure 2
	assert_line -n 0 "crm-log: rekey: --id-map FILE is required"
	cmp log.tsv "$L/small.tsv"
}

@test "crm-log rekey: a torn tail is refused until check --repair cuts it; another header is refused" {
	cp "$L/small.tsv" log.tsv
	printf 'I7\t2026-11-0' >>log.tsv
	cp log.tsv before.tsv
	run crm-log rekey -f log.tsv --id-map "$L/rekey-map.tsv"
	assert_failure 2
	assert_output "crm-log: log.tsv: torn last line (12 bytes after the last newline, left by an interrupted write); 'crm-log check --repair -f log.tsv' cuts it off"
	cmp log.tsv before.tsv
	crm-log check --repair -f log.tsv 2>/dev/null
	run crm-log rekey -f log.tsv --id-map "$L/rekey-map.tsv"
	assert_success
	assert_output "log.tsv: 2 of 6 records re-keyed"
	run crm-log rekey -f "$L/badheader.tsv" --id-map "$L/rekey-map.tsv"
	assert_failure 2
	assert_output --partial "header does not match"
}

@test "crm-log rekey: the log keeps its mode, and its owner and group" {
	cp "$L/small.tsv" log.tsv
	chmod 0640 log.tsv
	if [ "$(id -u)" -eq 0 ]; then
		chown 12345:23456 log.tsv
	fi
	want=$(stat -c '%a %u:%g' log.tsv)
	run crm-log rekey -f log.tsv --id-map "$L/rekey-map.tsv"
	assert_success
	assert_output "log.tsv: 2 of 6 records re-keyed"
	[ "$(stat -c '%a %u:%g' log.tsv)" = "$want" ]
}

# --- the program ---

@test "crm-log: --help, --version, unknown commands and options" {
	run crm-log --help
	assert_success
	assert_line -n 0 --partial "usage: crm-log add [-f FILE] [--sync]"
	run crm-log --version
	assert_success
	assert_output --regexp '^crm-log \(crmkit\) '
	run crm-log frobnicate
	assert_failure 2
	assert_line -n 0 "crm-log: unknown command 'frobnicate'"
	run crm-log show --bogus
	assert_failure 2
	run crm-log
	assert_failure 2
}

@test "crm-log: a write error on standard output is an error" {
	run sh -c "crm-log show -f '$L/small.tsv' >/dev/full"
	assert_failure 2
	assert_output --partial "write error"
}

@test "crm-log: --help into a full standard output fails with exit 2 and a message" {
	run sh -c "crm-log --help >/dev/full"
	assert_failure 2
	assert_output --partial "crm-log: standard output: "
	run sh -c "crm-log show --help >/dev/full"
	assert_failure 2
	assert_output --partial "crm-log: standard output: "
}

@test "crm-log: a bad CRM_AS_OF is named as CRM_AS_OF, not as --as-of" {
	CRM_AS_OF=2026-13-01 run crm-log due -f "$L/due-log.tsv"
	assert_failure 2
	assert_output "crm-log: CRM_AS_OF: month out of range '2026-13-01'"
	CRM_AS_OF=soon run crm-log add -f log.tsv -c C1 --channel sms --type care
	assert_failure 2
	assert_output "crm-log: CRM_AS_OF: not a timestamp 'soon'"
	[ ! -e log.tsv ]
}

@test "crm-log: add to a full standard output still stores the record, says so with its id, exit 3" {
	run --separate-stderr sh -c 'crm-log add -f log.tsv -c C1 --channel phone --type inquiry --note kept --ts 2026-11-20T10:00:00+08:00 >/dev/full'
	assert_failure 3
	id=$(awk -F '\t' 'NR == 2 { print $1 }' log.tsv)
	[ -n "$id" ]
	[ "$stderr" = "crm-log: $id: written to log.tsv, but standard output failed: No space left on device" ]
	[ "$(grep -c kept log.tsv)" -eq 1 ]
}

@test "crm-log: add - failing mid-batch says how many records are in and where to resume, and the resume completes it" {
	SHIM="$BATS_TEST_DIRNAME/../${CRM_BUILD:-build/rel}/fault.so"
	[ -f "$SHIM" ] || skip "no fault shim"
	case "${CRM_BUILD:-build/rel}" in *san*) skip "the shim is not for the sanitizer build" ;; esac
	crm-gen --seed 5 interactions 20000 | cut -f2- >batch.tsv
	crm-log add -f log.tsv -c C0 --channel sms --type care --ts 2026-11-01T10:00:00+08:00 >/dev/null
	cp log.tsv whole.tsv
	crm-log add -f whole.tsv - <batch.tsv
	# the second 1 MiB chunk's write fails with a full disk
	run --separate-stderr env CRM_FAULT=write:2:ENOSPC CRM_FAULT_LOG="$T/fault.log" \
	    LD_PRELOAD="$SHIM" crm-log add -f log.tsv - <batch.tsv
	assert_failure 2
	[[ "$stderr" =~ ^crm-log:\ log.tsv:\ .*No\ space\ left\ on\ device\;\ ([0-9]+)\ records\ written,\ none\ from\ input\ line\ ([0-9]+)\ on\ \(resume\ with:\ \{\ head\ -n\ 1\ INPUT\;\ tail\ -n\ \+([0-9]+)\ INPUT\;\ \}\ \|\ crm-log\ add\ -\)$ ]]
	written=${BASH_REMATCH[1]} line=${BASH_REMATCH[2]}
	[ "$written" -gt 0 ] && [ "$written" -lt 20000 ]
	[ "$line" -eq $((written + 2)) ]
	[ "$(wc -l <log.tsv)" -eq $((written + 2)) ]
	{ head -n 1 batch.tsv; tail -n +"$line" batch.tsv; } | crm-log add -f log.tsv -
	# the same records as one uninterrupted run (ids are made anew)
	cmp <(cut -f 2- log.tsv) <(cut -f 2- whole.tsv)
}

# --- the caps every reader applies ---

# capped_log N: ./big.tsv, an interaction log whose line 3 has a note of N
# bytes between two valid records.
capped_log() {
	crm-log add -f big.tsv -c C1 --channel phone --type inquiry \
	    --ts 2026-11-01T09:00:00Z >/dev/null
	{
		printf 'I2\t2026-11-02T09:00:00+00:00\tC2\tphone\tinquiry\t\t\t\t\t\t\t'
		head -c "$1" /dev/zero | tr '\0' x
		printf '\t\nI3\t2026-11-03T09:00:00+00:00\tC3\tphone\tcare\t\t\t\t\t\t\tok\t\n'
	} >>big.tsv
}

# capped CMD...: CMD under a 27 MiB address space: room for a reader that
# holds at most a record of 16 MiB, not for one that holds a whole line of
# 17 MB in a buffer grown by doubling.
capped() {
	case "${CRM_BUILD:-build/rel}" in
	*san*) "$@" ;;  # the sanitizers reserve far more address space
	*) prlimit --as=$((27 << 20)) "$@" ;;
	esac
}

@test "crm-log readers: a field over 1 MiB rejects its record alone, naming file, line and field" {
	capped_log 2200000
	msg="crm-log: big.tsv:3: note: field longer than 1048576 bytes"
	run --separate-stderr capped crm-log show -f big.tsv
	assert_failure 1
	assert_equal "$stderr" "$msg"
	assert_equal "$(printf '%s\n' "$output" | cut -f1,3 | tail -n 1)" "$(printf 'I3\tC3')"
	assert_equal "${#lines[@]}" 3
	run --separate-stderr capped crm-log show -f big.tsv --grep ok
	assert_failure 1
	assert_equal "$stderr" "$msg"
	assert_equal "$(printf '%s\n' "$output" | cut -f1)" "$(printf 'id\nI3')"
	run --separate-stderr capped crm-log check -f big.tsv
	assert_failure 1
	assert_equal "$stderr" "$msg"
	run --separate-stderr capped crm-log stats -f big.tsv
	assert_failure 1
	assert_equal "$stderr" "$msg"
	assert_output "$(printf 'dimension\tvalue\tcount\nchannel\tphone\t2\ntype\tinquiry\t1\ntype\tcare\t1')"
	run --separate-stderr capped crm-log due -f big.tsv --as-of 2026-12-31
	assert_failure 1
	assert_equal "$stderr" "$msg"
	assert_output "$(printf 'customer_id\tdue\treason\tlast_contact\nC1\t2026-12-01\treturn_visit\t2026-11-01\nC3\t2026-12-03\treturn_visit\t2026-11-03')"
}

@test "crm-log readers: a record over 16 MiB is skipped unheld, in bounded memory, and the next one kept" {
	capped_log 17000000
	msg="crm-log: big.tsv:3: record longer than 16777216 bytes"
	for c in show check stats; do
		run --separate-stderr capped crm-log $c -f big.tsv
		assert_failure 1
		assert_equal "$stderr" "$msg"
	done
	run --separate-stderr capped crm-log show -f big.tsv -c C3
	assert_failure 1
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | tail -n 1)" I3
	run --separate-stderr capped crm-log due -f big.tsv --as-of 2026-12-31
	assert_failure 1
	assert_equal "$stderr" "$msg"
	assert_line --index 2 "$(printf 'C3\t2026-12-03\treturn_visit\t2026-11-03')"
	# the same over a pipe, where no size is known beforehand
	case "${CRM_BUILD:-build/rel}" in *san*) return 0 ;; esac
	run --separate-stderr sh -c 'cat big.tsv | prlimit --as=$((27 << 20)) crm-log show -c C3 -'
	assert_failure 1
	assert_equal "$stderr" "crm-log: -:3: record longer than 16777216 bytes"
	assert_equal "$(printf '%s\n' "$output" | cut -f1 | tail -n 1)" I3
}
