#!/usr/bin/env bats
# Writers killed (SIGKILL) at random moments, a few hundred times, and
# every reader and writer at once: what a store file holds is always
# whole records, each run's records a prefix of what it was given, in
# order; a reader never fails and never counts half a record.

load helper

# keep KILLS short on a slow or sanitized build: the property is the same
kills() {
	case "$CRM_BUILD" in
	*san*) echo $(($1 / 3)) ;;
	*) echo "$1" ;;
	esac
}

# the rows of FILE without its header and first N columns cut off
body() {
	tail -n +2 "$1" | cut -f "$2"-
}

# Is every run in LOG (rows after the header, columns from COL on) a
# prefix of REF's rows, one run after another?  Prints "ok RUNS" or the
# first row that breaks it.
prefixes() {
	awk -F '\t' -v col="$3" '
		FNR == 1 { next }
		{ row = $0; for (i = 1; i < col; i++) sub(/^[^\t]*\t/, "", row) }
		NR == FNR { ref[++n] = row; next }
		p < n && row == ref[p + 1] { if (!p) runs++; p++; next }
		row == ref[1] { runs++; p = 1; next }
		{ print "row " FNR " breaks the prefix: " substr(row, 1, 60); bad = 1; exit }
		END { if (!bad) print "ok " runs }' "$1" "$2"
}

@test "crash: crm-log add - killed at random, over and over, keeps whole records, each run a prefix of its input" {
	crm-gen --seed 5 interactions 2000 | cut -f2- >batch.tsv
	crm-log add -f ref.tsv - <batch.tsv
	n=$(kills 150)
	for i in $(seq "$n"); do
		crm-log add -f log.tsv - <batch.tsv 2>/dev/null &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		crm-log check --repair -f log.tsv >/dev/null 2>&1 || true
	done
	run crm-log check -f log.tsv
	assert_success
	assert_output ""
	# ids are new on every run: compare from the timestamp on
	run prefixes ref.tsv log.tsv 2
	assert_output --regexp '^ok [0-9]+$'
	# the kills did land inside runs: not every run is whole
	[ "$(tail -n +2 log.tsv | wc -l)" -lt $((n * 2000)) ]
}

@test "crash: crm-complaint open and update killed at random keep whole events, and every id reported is stored" {
	n=$(kills 120)
	: >ids
	for i in $(seq "$n"); do
		( crm-complaint open -f k.tsv -c "C$i" --channel web --text "包装破损，第 $i 次" >>ids 2>/dev/null
		  id=$(tail -n 1 ids | cut -f 1)
		  [ -n "$id" ] && crm-complaint update "$id" --event respond --agent A1 -f k.tsv >/dev/null 2>&1 ) &
		pid=$!
		sleep "0.0$((RANDOM % 4))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		crm-log check --repair -f k.tsv >/dev/null 2>&1 || true
	done
	run crm-complaint list -f k.tsv
	assert_success
	grep -oE '^K[0-9A-Z]+' ids | sort -u >reported || true
	tail -n +2 k.tsv | cut -f 1 | sort -u >stored
	run comm -23 reported stored
	assert_output ""
	run crm-log check -f k.tsv
	assert_success
}

@test "crash: crm-import --append killed at random keeps whole records, each run a prefix of its input" {
	crm-gen --seed 5 transactions 20000 >tx.tsv
	crm-import -k transactions --append ref.tsv tx.tsv
	n=$(kills 100)
	for i in $(seq "$n"); do
		crm-import -k transactions --append st.tsv tx.tsv 2>/dev/null &
		pid=$!
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		crm-log check --repair -f st.tsv >/dev/null 2>&1 || true
	done
	[ -s st.tsv ] || skip "no run got as far as the store in $n tries"
	run crm-log check -f st.tsv
	assert_success
	run prefixes ref.tsv st.tsv 1
	assert_output --regexp '^ok [0-9]+$'
}

@test "crash: readers of every tool beside writers of every kind never fail and never count half a record" {
	crm-gen --seed 7 interactions 500 | cut -f2- >batch.tsv
	crm-gen --seed 7 transactions 5000 >tx.tsv
	crm-log add -f log.tsv - <batch.tsv
	crm-import -k transactions --append st.tsv tx.tsv
	crm-complaint open -f k.tsv -c C1 --channel web --text 'slow delivery' >/dev/null
	stop=$((SECONDS + 6))
	( while [ $SECONDS -lt $stop ]; do crm-log add -f log.tsv - <batch.tsv || exit 1; done ) 2>w1.err &
	w1=$!
	( while [ $SECONDS -lt $stop ]; do crm-import -q -k transactions --append st.tsv tx.tsv || exit 1; done ) 2>w2.err &
	w2=$!
	( while [ $SECONDS -lt $stop ]; do crm-complaint open -f k.tsv -c C2 --channel phone --text '态度很差' >/dev/null || exit 1; done ) 2>w3.err &
	w3=$!
	fails=0 reads=0
	while [ $SECONDS -lt $stop ]; do
		for cmd in "crm-report channels log.tsv" "crm-report value st.tsv" \
		    "crm-report complaints k.tsv" "crm-log show -f log.tsv" \
		    "crm-log stats -f log.tsv" "crm-complaint list -f k.tsv" \
		    "crm-segment --as-of 2026-12-31 --interactions log.tsv --complaints k.tsv st.tsv"; do
			if ! $cmd >r.out 2>r.err || [ -s r.err ]; then
				fails=$((fails + 1))
				echo "$cmd: $(head -c 300 r.err)" >>failures
			fi
			reads=$((reads + 1))
		done
		# the record count a report gives is a whole number of batches
		n=$(crm-report channels --table channel log.tsv 2>/dev/null | awk -F '\t' 'NR > 1 { s += $2 } END { print s + 0 }')
		if [ -n "$n" ] && [ $((n % 500)) -ne 0 ]; then
			fails=$((fails + 1))
			echo "channels counted $n interactions, not whole batches of 500" >>failures
		fi
	done
	wait "$w1"
	wait "$w2"
	wait "$w3"
	[ "$fails" -eq 0 ] || fail "$fails of $reads reads failed: $(head -n 5 failures)"
	[ "$reads" -gt 7 ]
	run cat w1.err w2.err w3.err
	assert_output ""
	for f in log.tsv st.tsv k.tsv; do
		run crm-log check -f "$f"
		assert_success
	done
}

@test "crash: crm-log rekey beside a loop of appends loses no record and leaves no record twice" {
	n=$(kills 300)
	printf 'old_id\tnew_id\nOLD1\tNEW1\nOLD2\tNEW2\n' >map.tsv
	crm-log add -f log.tsv -c OLD1 --channel phone --type care --note seed >/dev/null
	for w in 1 2; do
		( for i in $(seq "$n"); do crm-log add -f log.tsv -c OLD$w --channel phone --type care --note "w$w $i" >/dev/null || exit 1; done ) 2>w$w.err &
	done
	rekeys=0
	# rekey for as long as a writer runs (at least once), then once more
	while [ "$rekeys" -eq 0 ] || [ -n "$(jobs -pr)" ]; do
		crm-log rekey -f log.tsv --id-map map.tsv >>rekey.out 2>>rekey.err || break
		rekeys=$((rekeys + 1))
	done
	fails=0
	for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
	[ "$fails" -eq 0 ]
	crm-log rekey -f log.tsv --id-map map.tsv >>rekey.out
	run cat w1.err w2.err rekey.err
	assert_output ""
	run crm-log check -f log.tsv
	assert_success
	assert_output ""
	[ "$(wc -l <log.tsv)" -eq $((2 * n + 2)) ]
	for w in 1 2; do
		[ "$(cut -f12 log.tsv | grep -c "^w$w ")" -eq "$n" ]
		[ "$(cut -f12 log.tsv | grep "^w$w " | sort -u | wc -l)" -eq "$n" ]
		[ "$(cut -f3 log.tsv | grep -c "^NEW$w\$")" -eq $((n + (w == 1))) ]
	done
	[ "$(cut -f3 log.tsv | grep -c '^OLD')" -eq 0 ]
	# the rewrites left no file of their own behind
	[ "$(ls | grep -c '^log\.tsv\.new\.')" -eq 0 ]
}

@test "crash: crm-complaint rekey beside a loop of opens loses no event" {
	n=$(kills 150)
	printf 'old_id\tnew_id\nOLD9\tNEW9\n' >map.tsv
	crm-complaint open -f k.tsv -c OLD9 --channel web --text 'slow delivery' >/dev/null
	( for i in $(seq "$n"); do crm-complaint open -f k.tsv -c OLD9 --channel phone --text "态度很差 $i" >/dev/null || exit 1; done ) 2>w.err &
	rekeys=0
	while [ "$rekeys" -eq 0 ] || [ -n "$(jobs -pr)" ]; do
		crm-complaint rekey -f k.tsv --id-map map.tsv >>rekey.out 2>>rekey.err || break
		rekeys=$((rekeys + 1))
	done
	fails=0
	for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
	[ "$fails" -eq 0 ]
	crm-complaint rekey -f k.tsv --id-map map.tsv >>rekey.out
	run cat w.err rekey.err
	assert_output ""
	run crm-log check -f k.tsv
	assert_success
	[ "$(wc -l <k.tsv)" -eq $((n + 2)) ]
	[ "$(cut -f1 k.tsv | sort -u | wc -l)" -eq $((n + 2)) ]
	[ "$(cut -f4 k.tsv | grep -c '^NEW9$')" -eq $((n + 1)) ]
	[ "$(crm-complaint list -f k.tsv --customer NEW9 | tail -n +2 | wc -l)" -eq $((n + 1)) ]
}
