#!/usr/bin/env bats
# The cron recipes of crm(7), run exactly as the page writes them: each
# script and the crontab are taken from man/crm.7 between the comment
# markers '.\" test: NAME' and '.\" end' (recipe, in helper.bash), so that
# the page and this test cannot drift apart.  mail and date are stubs on PATH (date pins the day);
# the store is a small one made here from tests/fixtures/pipeline.

load helper

PAGE="$BATS_TEST_DIRNAME/../man/crm.7"

setup() {
	T="$BATS_TEST_TMPDIR"
	cd "$T" || return 1
	export HOME="$T/home" CRM_DIR="$T/store" CRM_AS_OF=2026-11-23T09:00:00+08:00
	mkdir -p "$HOME/bin" "$CRM_DIR" "$T/stub"
	# mail: record the arguments (one a line) and the body of each call
	cat >"$T/stub/mail" <<-EOF
	#!/bin/sh
	n=\$(ls "$T"/mail.*.args 2>/dev/null | wc -l)
	printf '%s\n' "\$@" >"$T/mail.\$n.args"
	cat >"$T/mail.\$n.body"
	EOF
	# date: today is 2026-11-23 for +%F, the real date otherwise
	cat >"$T/stub/date" <<-EOF
	#!/bin/sh
	[ "\$*" = +%F ] && { echo 2026-11-23; exit 0; }
	exec $(command -v date) "\$@"
	EOF
	chmod +x "$T/stub/mail" "$T/stub/date"
	PATH="$T/stub:$PATH"
	for s in crm-escalate crm-due-by-agent crm-weekly-report; do
		recipe "$s" >"$HOME/bin/$s" || return 1
		chmod +x "$HOME/bin/$s"
	done
}

# make_store: customers, transactions and interactions from the fixtures,
# and five complaints: K1 (never answered), K2 (answered, unresolved a
# week on) and K5 (never answered) overdue; K3 resolved; K4 an hour old.
make_store() {
	crm-import -k customers "$FIX/pipeline/customers.csv" >"$CRM_DIR/customers.tsv"
	crm-import -k transactions "$FIX/pipeline/orders.csv" >"$CRM_DIR/transactions.tsv"
	crm-log add - <"$FIX/pipeline/interactions.tsv"
	k() {
		crm-complaint open -c "$1" --channel phone --ts "$2" --text "$3" |
			awk -F '\t' 'NR == 2 { print $1 }'
	}
	K1=$(k C001 2026-11-10T10:00:00+08:00 'the invoice was wrong')
	K2=$(k C002 2026-11-15T10:00:00+08:00 'the parts arrived late')
	crm-complaint update "$K2" --event respond --agent A01 --ts 2026-11-15T12:00:00+08:00 >/dev/null
	K3=$(k C005 2026-11-12T10:00:00+08:00 'the paint is scratched')
	crm-complaint update "$K3" --event respond --agent A02 --ts 2026-11-12T11:00:00+08:00 >/dev/null
	crm-complaint update "$K3" --event resolve --satisfaction 4 --ts 2026-11-13T11:00:00+08:00 >/dev/null
	K4=$(k C004 2026-11-23T08:00:00+08:00 'waiting too long for a call back')
	K5=$(k C001 2026-11-01T10:00:00+08:00 'the car still makes a noise')
	[ -n "$K1" ] && [ -n "$K2" ] && [ -n "$K3" ] && [ -n "$K4" ] && [ -n "$K5" ]
}

# cron_command NAME: the command field of the crontab line that runs NAME.
cron_command() {
	recipe crontab | awk -v n="$1" '!/^#/ && !/=/ && $NF ~ ("/" n "$") {
		for (i = 6; i <= NF; i++) printf "%s%s", $i, i < NF ? " " : "\n" }'
}

@test "cron: the crontab sets CRM_DIR and PATH and runs the three scripts daily and weekly" {
	run recipe crontab
	assert_success
	run sh -c "printf '%s\n' \"\$1\" | grep -v '^#' | awk '/=/ { print \$0; next } { print \$1, \$2, \$3, \$4, \$5, \$6 }'" sh "$output"
	assert_output 'CRM_DIR=/srv/crm
PATH=/usr/local/bin:/usr/bin:/bin
0 8 * * * $HOME/bin/crm-escalate
30 7 * * * $HOME/bin/crm-due-by-agent
0 6 * * 1 $HOME/bin/crm-weekly-report'
	# every script starts with its interpreter line
	for s in crm-escalate crm-due-by-agent crm-weekly-report; do
		run head -1 "$HOME/bin/$s"
		assert_output '#!/bin/sh'
	done
}

@test "cron: a block with a roff escape other than \\e is refused, not silently mangled" {
	printf '.\\" test: x\necho \\(aq\n.\\" end\n' >page.7
	PAGE=page.7 run recipe x
	assert_failure
	assert_output "block 'x' holds a roff escape or request other than \\e"
	PAGE=page.7 run recipe nosuch
	assert_failure
	assert_output "no block 'nosuch' in page.7"
}

@test "cron: crm-escalate mails the three overdue complaints to the service manager" {
	make_store
	# independent check of what is overdue: never answered within 24 h
	# (K1, K5) or answered but unresolved past the resolution due time (K2)
	run sh -c "$(cron_command crm-escalate)"
	assert_success
	assert_output ""
	run ls "$T"
	assert_line mail.0.args
	refute_line mail.1.args
	run cat "$T/mail.0.args"
	assert_output "-s
3 complaints overdue on 2026-11-23
service@example.com"
	# the body is the table: header, rule, and the rows oldest first
	run awk '/^K/ { print $1, $2, $4 }' "$T/mail.0.body"
	assert_output "$K5 C001 open
$K1 C001 open
$K2 C002 responded"
	run sed -n 1p "$T/mail.0.body"
	assert_output --regexp '^complaint_id +customer_id +opened +status'
}

@test "cron: crm-escalate sends nothing when no complaint is overdue" {
	make_store
	for id in "$K1" "$K2" "$K5"; do
		crm-complaint update "$id" --event resolve --satisfaction 3 --ts 2026-11-23T08:30:00+08:00 >/dev/null
	done
	run sh -c "$(cron_command crm-escalate)"
	assert_success
	assert_output ""
	[ ! -e "$T/mail.0.args" ]
}

@test "cron: crm-due-by-agent splits today's follow-ups by the agent of the latest contact" {
	make_store
	run sh -c "$(cron_command crm-due-by-agent)"
	assert_success
	assert_output ""
	d="$CRM_DIR/due/2026-11-23"
	run ls "$d"
	assert_output "A01.tsv
A02.tsv
___evil.tsv
unassigned.tsv"
	h=$'customer_id\tdue\treason\tlast_contact'
	# C001: created 2026-01-10, last contact 2026-10-01 (A02), first year:
	# monthly, due 2026-11-01
	run cat "$d/A02.tsv"
	assert_output "$h"$'\nC001\t2026-11-01\treturn_visit\t2026-10-01'
	# C002: created 2024, last contact 2026-07-15 (no agent; the one before,
	# 2026-05-01, was A01): quarterly, due 2026-10-15
	run cat "$d/A01.tsv"
	assert_output "$h"$'\nC002\t2026-10-15\treturn_visit\t2026-07-15'
	# C005: next_action 2026-11-22 set by agent '../evil', kept in the folder
	run cat "$d/___evil.tsv"
	assert_output "$h"$'\nC005\t2026-11-22\tnext_action\t2026-11-20'
	# C004: never contacted, created 2026-09-01: due a month on
	run cat "$d/unassigned.tsv"
	assert_output "$h"$'\nC004\t2026-10-01\treturn_visit\t'
	# C003 (created 2026-11-01) and C006 (first contact 2026-11-22) not due
	run grep -l -e C003 -e C006 -r "$CRM_DIR/due"
	assert_failure
	[ ! -e "$CRM_DIR/evil.tsv" ]
}

@test "cron: crm-due-by-agent fails with the reason when the store cannot hold the folder" {
	make_store
	: >"$CRM_DIR/due"
	run sh -c "$(cron_command crm-due-by-agent)"
	assert_failure 2
	assert_output --partial "mkdir: cannot create directory"
}

@test "cron: crm-weekly-report writes a dated Markdown report whose figures follow from the store" {
	make_store
	run sh -c "$(cron_command crm-weekly-report)"
	assert_success
	assert_output ""
	f="$HOME/reports/crm-2026-11-23.md"
	run sed -n 1p "$f"
	assert_output "# Customer report 2026-11-23"
	run grep '^## ' "$f"
	assert_output "## Week
## Value
## Churn
## Complaints
## Channels"
	# the week: Monday 11-23's run reports 2026-W47 against 2026-W46;
	# contacts of each week by awk over the days as written
	run grep -e '^| this_week |' "$f"
	assert_output "| this_week | 2026-W47 | 2026-11-16 | 2026-11-22 | 1 |"
	n47=$(awk -F '\t' 'NR > 1 && substr($2, 1, 10) >= "2026-11-16" && substr($2, 1, 10) <= "2026-11-22"' "$CRM_DIR/interactions.tsv" | wc -l)
	n46=$(awk -F '\t' 'NR > 1 && substr($2, 1, 10) >= "2026-11-09" && substr($2, 1, 10) <= "2026-11-15"' "$CRM_DIR/interactions.tsv" | wc -l)
	run grep -e '^| contacts |' -e '^| complaints_opened |' "$f"
	# K1 (11-10), K3 (11-12) and K2 (11-15, a Sunday) opened in W46
	assert_output "| contacts | $n47 | $n46 | $((n47 - n46)) | count |
| complaints_opened | 0 | 3 | -3 | count |"
	# revenue and customers by awk over the transactions
	rev=$(awk -F '\t' 'NR > 1 { s += $3; c[$1] } END { printf "%.2f", s }' "$CRM_DIR/transactions.tsv")
	[ "$rev" = 8469.30 ]
	run grep -e '^| revenue |' -e '^| customers |' -e '^| transactions |' "$f"
	assert_output "| customers | 3 |
| transactions | 6 |
| revenue | $rev |"
	# complaints: five opened, one resolved with satisfaction 4
	run grep -e '^| complaints |' -e '^| resolved |' -e '^| satisfaction_mean |' "$f"
	assert_output "| complaints | 5 |
| resolved | 1 |
| satisfaction_mean | 4.00 |"
	# channels: six interactions, two of them phone
	run sh -c "sed -n '/^## Channels/,\$p' \"\$1\" | grep -e '^| phone |' -e '^| \\*\\*total' | head -2" sh "$f"
	assert_line --index 0 --regexp '^\| phone \| 2 \| 0\.3333 \|'
	assert_line --index 1 --regexp '^\| \*\*total\*\* \| \*\*6\*\* \| \*\*1\.0000\*\* \|'
}
