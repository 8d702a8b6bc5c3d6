#!/usr/bin/env bats
# Fault injection: every appending and file-rewriting command is run with
# its Nth write, fsync, rename, close and malloc failing in turn, for N = 1,
# 2, ... until the command completes.  After each failed run the store file
# must be byte-identical to before, or hold the new record whole; the exit
# status is non-zero and the message names the file (or says out of memory).

load helper

SHIM="$BATS_TEST_DIRNAME/../${CRM_BUILD:-build/rel}/fault.so"

setup() {
	T="$BATS_TEST_TMPDIR"
	cd "$T" || return 1
	[ -f "$SHIM" ] || skip "no fault shim at $SHIM"
	case "${CRM_BUILD:-build/rel}" in
	*san*) OPS="write fsync rename close"
	       export ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=0" ;;
	*) OPS="write fsync rename close malloc" ;;
	esac
	export CRM_AS_OF=2026-11-23T09:30:00+08:00
}

# fault_matrix STORE CMD...: run CMD under each fault until it succeeds.
# A clean run afterwards proves the store still takes appends.  With
# FAULT_STEP=K only every Kth call of each kind fails (1, 1+K, 1+2K ...):
# for commands that make tens of thousands of allocations.
fault_matrix() {
	local store=$1
	shift
	local op n rc before cases=0
	for op in $OPS; do
		n=1
		while :; do
			cp -p "$store" before.snap
			rm -f fault.log
			set +e
			CRM_FAULT="$op:$n:$(errno_for "$op")" CRM_FAULT_LOG="$T/fault.log" \
			    LD_PRELOAD="$SHIM" "$@" <"${FAULT_STDIN:-/dev/null}" >out.txt 2>err.txt
			rc=$?
			set -e
			if [ ! -s fault.log ]; then
				# the fault never fired: the command ran to the end
				[ "$rc" -eq 0 ] || {
					echo "$op:$n: exit $rc without a fault"; cat err.txt
					return 1
				}
				break
			fi
			cases=$((cases + 1))
			if [ "$rc" -eq 0 ]; then
				# the failure was absorbed; the store must be whole
				check_whole "$store" || { echo "$op:$n: exit 0 but store damaged"; return 1; }
			else
				grep -qE "$store|out of memory|Cannot allocate memory|\.tsv:" err.txt || {
					echo "$op:$n: exit $rc, message names no file:"
					cat err.txt
					return 1
				}
				if ! cmp -s before.snap "$store"; then
					check_whole "$store" || {
						echo "$op:$n: store neither unchanged nor whole"
						diff before.snap "$store" | head
						return 1
					}
				fi
			fi
			grep -q 'ERROR: AddressSanitizer\|runtime error' err.txt && {
				echo "$op:$n: sanitizer error"; cat err.txt; return 1
			}
			# every N starts from the same store
			cp -p before.snap "$store"
			n=$((n + ${FAULT_STEP:-1}))
			[ "$cases" -le 5000 ] || { echo "$op: still failing after 5000 cases"; return 1; }
		done
	done
	echo "$cases fault cases" >&3
	"$@" >/dev/null || { echo "clean run failed: $*"; "$@"; return 1; }
}

# errno_for OP: the error a real failure of OP gives.
errno_for() {
	case $1 in
	malloc) echo ENOMEM ;;
	write) echo ENOSPC ;;
	*) echo EIO ;;
	esac
}

# check_whole STORE: the file is before.snap plus whole, well-formed lines.
check_whole() {
	local size
	size=$(stat -c %s before.snap)
	cmp -s -n "$size" before.snap "$1" || return 1
	[ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || return 1
	awk -F '\t' 'NR == 1 { n = NF } NF != n { exit 1 }' "$1"
}

@test "fault: crm-log add leaves the log unchanged or with the record whole" {
	crm-log add -f log.tsv -c C1 --channel phone --type inquiry --note first
	fault_matrix log.tsv crm-log add -f log.tsv -c C2 --channel sms \
	    --type care --note '回访 second' --sync
	run crm-log check -f log.tsv
	assert_success
}

@test "fault: crm-log add - (batch) leaves the log unchanged or with whole records" {
	crm-log add -f log.tsv -c C1 --channel phone --type inquiry --note first
	printf 'customer_id\tchannel\ttype\tnote\nC3\tweb\torder\ta\nC4\temail\tother\tb\n' >batch.tsv
	FAULT_STDIN=batch.tsv fault_matrix log.tsv crm-log add -f log.tsv -
	run crm-log check -f log.tsv
	assert_success
}

@test "fault: crm-log check --repair cuts a torn tail or leaves the file as it was" {
	crm-log add -f log.tsv -c C1 --channel phone --type inquiry --note first
	cp log.tsv clean.tsv
	printf 'I20261123T000000000000XXXX\t2026-11-23T09:00:00+08:00\tC9\tph' >>log.tsv
	cp log.tsv torn.tsv
	local op n rc
	for op in $OPS; do
		n=1
		while :; do
			cp torn.tsv log.tsv
			rm -f fault.log ./*.torn*
			set +e
			CRM_FAULT="$op:$n:$(errno_for "$op")" CRM_FAULT_LOG="$T/fault.log" \
			    LD_PRELOAD="$SHIM" crm-log check -f log.tsv --repair >out.txt 2>err.txt
			rc=$?
			set -e
			[ -s fault.log ] || break
			if [ "$rc" -ne 0 ]; then
				grep -qE "log.tsv|out of memory|Cannot allocate memory" err.txt || { cat err.txt; return 1; }
			fi
			cmp -s log.tsv torn.tsv || cmp -s log.tsv clean.tsv || {
				echo "$op:$n: log is neither torn-as-before nor repaired"
				return 1
			}
			n=$((n + 1))
			[ "$n" -le 5000 ] || return 1
		done
	done
}

@test "fault: crm-import --append leaves the store unchanged or with whole records" {
	printf 'customer_id,name\nC1,张三\n' >a.csv
	printf 'customer_id,name\nC2,李四\nC3,Wang Wu\n' >b.csv
	crm-import -k customers --append store.tsv a.csv
	fault_matrix store.tsv crm-import -k customers --append store.tsv b.csv
}

@test "fault: crm-complaint open leaves the log unchanged or with the event whole" {
	# a small rule file, so that every single allocation is failed in turn
	printf 'id\tpattern\tcategory\tcause\tseverity\tweight\nq\t\\bbroke\\b\tquality\tresult\tnormal\t1\n' >r.tsv
	crm-complaint open -f c.tsv --no-default-rules --rules r.tsv -c C1 --text '刹车异响' \
	    --ts 2026-11-20T10:00:00+08:00 >/dev/null
	fault_matrix c.tsv crm-complaint open -f c.tsv --no-default-rules --rules r.tsv -c C2 \
	    --text 'the car broke down twice' --ts 2026-11-21T10:00:00+08:00
	tail -n 1 c.tsv | grep -q 'the car broke down twice'
}

@test "fault: crm-complaint open with the default rules fails whole at any allocation" {
	# the default rules take some 20,000 allocations to compile: every 97th
	crm-complaint open -f c.tsv -c C1 --text '刹车异响' --ts 2026-11-20T10:00:00+08:00 >/dev/null
	FAULT_STEP=97 fault_matrix c.tsv crm-complaint open -f c.tsv -c C2 \
	    --text 'the car broke down twice' --ts 2026-11-21T10:00:00+08:00
}

@test "fault: crm-complaint update leaves the log unchanged or with the event whole" {
	id=$(crm-complaint open -f c.tsv -c C1 --text '刹车异响' \
	    --ts 2026-11-20T10:00:00+08:00 | awk -F '\t' 'NR == 2 { print $1 }')
	[ -n "$id" ]
	fault_matrix c.tsv crm-complaint update -f c.tsv "$id" --event respond \
	    --agent A01 --ts 2026-11-20T12:00:00+08:00
}
