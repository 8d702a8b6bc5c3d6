#!/usr/bin/env bats
# The multi-host recipe of crm(7) PIPELINES, run for real: two sshd of the
# test's own on 127.0.0.2 and 127.0.0.3 (keys made for the test), GNU
# parallel sending each part of the input to a host with --transferfile,
# the partials coming back with --return, and one merge, compared byte for
# byte with one local run.  Skipped, saying why, where sshd is missing.

load helper

setup_file() {
	SSHD=$(command -v sshd || echo /usr/sbin/sshd)
	[ -x "$SSHD" ] || return 0
	H="$BATS_FILE_TMPDIR/hosts"
	mkdir -p "$H"
	export H SSHD
	ssh-keygen -q -t ed25519 -N '' -f "$H/host_key" || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$H/user_key" || return 1
	cp "$H/user_key.pub" "$H/authorized_keys"
	chmod 600 "$H/authorized_keys"
	# privilege separation needs its directory when sshd runs as root
	[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
	: >"$H/ssh_config"
	chmod 600 "$H/ssh_config"
	# a port free on both addresses, from a range away from the usual ones
	port=$((20000 + $$ % 20000))
	for i in 2 3; do
		cat >"$H/sshd_$i.conf" <<-EOF
			ListenAddress 127.0.0.$i:$port
			HostKey $H/host_key
			PidFile none
			AuthorizedKeysFile $H/authorized_keys
			PasswordAuthentication no
			KbdInteractiveAuthentication no
			PermitRootLogin prohibit-password
			StrictModes no
			UsePAM no
			AcceptEnv LC_ALL
		EOF
		# in the foreground, as a child of this shell, which reaps it
		"$SSHD" -D -f "$H/sshd_$i.conf" -E "$H/sshd_$i.log" \
			</dev/null >/dev/null 2>&1 3>&- &
		echo $! >"$H/sshd_$i.pid"
		cat >>"$H/ssh_config" <<-EOF
			Host h$i
			    HostName 127.0.0.$i
			    Port $port
			    User $(id -un)
			    IdentityFile $H/user_key
			    IdentitiesOnly yes
			    StrictHostKeyChecking no
			    UserKnownHostsFile /dev/null
			    BatchMode yes
			    LogLevel ERROR
		EOF
	done
	# wait until both answer
	for _ in $(seq 50); do
		ssh -F "$H/ssh_config" h2 true 2>/dev/null &&
			ssh -F "$H/ssh_config" h3 true 2>/dev/null && return 0
		sleep 0.1
	done
	echo "sshd did not answer: $(cat "$H"/sshd_*.log)" >&2
	return 1
}

teardown_file() {
	[ -n "${H:-}" ] || return 0
	for f in "$H"/sshd_*.pid; do
		[ -f "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null
		wait "$(cat "$f")" 2>/dev/null
	done
	rm -rf "$H"
}

need_hosts() {
	[ -x "${SSHD:-}" ] || skip "sshd is not installed (openssh-server)"
	command -v parallel >/dev/null || skip "GNU parallel is not installed"
}

# the input in three parts, each with the header, as it would lie on disks
split3() {
	head -1 "$1" >h
	tail -n +2 "$1" >body
	split -n l/3 body body.
	for p in body.aa body.ab body.ac; do
		cat h "$p" >"$2-${p#body.}.tsv"
	done
	rm -f h body body.*
}

@test "hosts: crm-segment partials made on two ssh hosts merge into the one-run output" {
	need_hosts
	crm-gen --seed 7 transactions 30000 >tx.tsv
	crm-segment --as-of 2026-11-22 tx.tsv >one.tsv
	split3 tx.tsv tx
	run parallel --ssh "ssh -F $H/ssh_config" -S h2,h3 --workdir "$T/remote" \
		--transferfile {} --return {}.part --cleanup \
		"$CRM_BIN/crm-segment --as-of 2026-11-22 --partial {} > {}.part" \
		::: tx-aa.tsv tx-ab.tsv tx-ac.tsv
	assert_success
	run crm-segment --as-of 2026-11-22 --merge tx-aa.tsv.part tx-ab.tsv.part \
		tx-ac.tsv.part
	assert_success
	printf '%s\n' "$output" >merged.tsv
	cmp one.tsv merged.tsv
	# both hosts did work, and the transferred files were cleaned up
	grep -q 'Accepted publickey' "$H/sshd_2.log"
	grep -q 'Accepted publickey' "$H/sshd_3.log"
	[ -z "$(ls -A "$T/remote" 2>/dev/null)" ]
}

@test "hosts: crm-report satisfaction partials from two ssh hosts merge into the one-run output" {
	need_hosts
	crm-gen --seed 3 surveys 20000 >sv.tsv
	crm-report satisfaction --by month --format tsv sv.tsv >one.tsv
	split3 sv.tsv sv
	run parallel --ssh "ssh -F $H/ssh_config" -S h2,h3 --workdir "$T/remote" \
		--transferfile {} --return {}.part --cleanup \
		"$CRM_BIN/crm-report satisfaction --by month --partial {} > {}.part" \
		::: sv-aa.tsv sv-ab.tsv sv-ac.tsv
	assert_success
	crm-report satisfaction --by month --format tsv --merge \
		sv-aa.tsv.part sv-ab.tsv.part sv-ac.tsv.part >merged.tsv
	cmp one.tsv merged.tsv
}

@test "hosts: crm-report value partials from two ssh hosts merge into the one-run output" {
	need_hosts
	crm-gen --seed 5 transactions 30000 >tx.tsv
	crm-report value --as-of 2026-11-22 --format tsv tx.tsv >one.tsv
	split3 tx.tsv tx
	run parallel --ssh "ssh -F $H/ssh_config" -S h2,h3 --workdir "$T/remote" \
		--transferfile {} --return {}.part --cleanup \
		"$CRM_BIN/crm-report value --as-of 2026-11-22 --partial {} > {}.part" \
		::: tx-aa.tsv tx-ab.tsv tx-ac.tsv
	assert_success
	crm-report value --format tsv --merge \
		tx-aa.tsv.part tx-ab.tsv.part tx-ac.tsv.part >merged.tsv
	cmp one.tsv merged.tsv
}

@test "hosts: a host that cannot run the job fails the recipe, not silently" {
	need_hosts
	crm-gen --seed 7 transactions 3000 >tx.tsv
	split3 tx.tsv tx
	run parallel --ssh "ssh -F $H/ssh_config" -S h2,h3 --workdir "$T/remote" \
		--transferfile {} --return {}.part --cleanup \
		"$CRM_BIN/crm-segment --no-such-option {} > {}.part" \
		::: tx-aa.tsv tx-ab.tsv tx-ac.tsv
	assert_failure
	assert_output --partial 'usage: crm-segment'
}
