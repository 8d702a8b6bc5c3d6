#!/usr/bin/env bats
# The files written beside the output (rejects, id maps, plots) go through
# no planted name: a symbolic link at the name is replaced by the new file,
# never followed; the file is 0600 whatever the umask; a device or FIFO is
# written as a stream; a directory is refused.

load helper
bats_require_minimum_version 1.5.0

setup() {
	T="$BATS_TEST_TMPDIR"
	cd "$T" || return 1
	printf 'customer_id,date,amount\nC1,2026-11-01,1.00\n,2026-11-01,2.00\nC2,2026-11-02,3.00\n' >tx.csv
	printf 'precious\n' >target
}

# planted NAME: NAME is a symbolic link to ./target
planted() {
	ln -s target "$1"
}

# replaced NAME: NAME is now a regular 0600 file and target is untouched
replaced() {
	[ ! -L "$1" ] && [ -f "$1" ]
	[ "$(stat -c %a "$1")" = 600 ]
	[ "$(cat target)" = precious ]
}

@test "outfiles: a rejects file name planted as a symlink is replaced, not followed" {
	planted rej.tsv
	umask 000
	run crm-import -k transactions -r rej.tsv tx.csv
	assert_failure 1
	replaced rej.tsv
	run cut -f 2,3 rej.tsv
	assert_output "line	field
3	customer_id"
	[ -z "$(ls ./*.tmp 2>/dev/null)" ]
}

@test "outfiles: an --id-map name planted as a symlink is replaced, not followed" {
	printf 'customer_id,phone\nC1,13800138000\nC2,13800138000\n' >c.csv
	planted ids.tsv
	umask 000
	run --separate-stderr crm-import -k customers --merge-on phone --id-map ids.tsv c.csv
	assert_success
	replaced ids.tsv
	run cat ids.tsv
	assert_output "old_id	new_id
C2	C1"
}

@test "outfiles: a --plot name planted as a symlink is replaced, not followed" {
	crm-import -k transactions tx.csv >tx.tsv 2>/dev/null || true
	planted p.svg
	umask 000
	run crm-report value --plot p.svg tx.tsv
	assert_success
	replaced p.svg
	head -c 5 p.svg | grep -q '<svg\|<?xml'
}

@test "outfiles: the rejects file may be a device or a pipe, written as a stream" {
	run crm-import -k transactions -r /dev/null tx.csv
	assert_failure 1
	[ -c /dev/null ]
	mkfifo fifo
	cat fifo >got.tsv &
	run crm-import -k transactions -r fifo tx.csv
	assert_failure 1
	wait
	run cut -f 2 got.tsv
	assert_output "line
3"
}

@test "outfiles: a directory as the rejects file or plot is refused with exit 2, before any output" {
	mkdir d
	run --separate-stderr crm-import -k transactions -r d tx.csv
	assert_failure 2
	[ "$stderr" = "crm-import: d: not a regular file" ]
	[ -z "$output" ]
	crm-import -k transactions tx.csv >tx.tsv 2>/dev/null || true
	run --separate-stderr crm-report value --plot d tx.tsv
	assert_failure 2
	[ "$stderr" = "crm-report: d: not a regular file" ]
}

@test "outfiles: a rejects file in a directory that cannot be written is reported, exit 2" {
	[ "$(id -u)" -ne 0 ] || skip "root writes anywhere"
	mkdir ro && chmod 500 ro
	run crm-import -k transactions -r ro/rej.tsv tx.csv
	assert_failure 2
	assert_output --partial "ro/rej.tsv: Permission denied"
}

@test "outfiles: a FIFO at the store path is refused at once by check, repair, add and list" {
	mkfifo log.tsv
	for c in "crm-log check -f log.tsv" "crm-log check --repair -f log.tsv" \
	    "crm-log add -f log.tsv -c C1 --channel sms --type care" \
	    "crm-complaint list -f log.tsv"; do
		run --separate-stderr timeout 10 $c
		assert_failure 2
		[ "$stderr" = "${c%% *}: log.tsv: not a regular file, refused" ]
	done
}

@test "outfiles: a store whose creation fails on a full disk is not left behind empty" {
	SHIM="$BATS_TEST_DIRNAME/../${CRM_BUILD:-build/rel}/fault.so"
	[ -f "$SHIM" ] || skip "no fault shim"
	case "${CRM_BUILD:-build/rel}" in *san*) skip "the shim is not for the sanitizer build" ;; esac
	run --separate-stderr env CRM_FAULT=write:1:ENOSPC CRM_FAULT_LOG="$T/fault.log" \
	    LD_PRELOAD="$SHIM" crm-log add -f new.tsv -c C1 --channel sms --type care
	assert_failure 2
	[ "$stderr" = "crm-log: new.tsv: No space left on device" ]
	[ ! -e new.tsv ]
	# and the next add makes it as usual
	run crm-log add -f new.tsv -c C1 --channel sms --type care
	assert_success
	[ "$(wc -l <new.tsv)" -eq 2 ]
}
