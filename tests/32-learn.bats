#!/usr/bin/env bats
# crm-complaint learn, and triage and open with --model: the naive Bayes
# fallback where no rule matches.

load helper

F="$BATS_TEST_DIRNAME/fixtures/complaint"

@test "learn: the model file of a fixed input, 0600" {
	run crm-complaint learn -o m.tsv "$F/learn.tsv"
	assert_success
	assert_output ""
	run cat m.tsv
	golden "$F/learn.model"
	assert_equal "$(stat -c %a m.tsv)" 600
	# standard input and standard output too
	run sh -c "crm-complaint learn <'$F/learn.tsv' | cmp - '$F/learn.model'"
	assert_success
}

@test "learn: the model guesses held-out texts where no rule is loaded" {
	run crm-complaint triage --no-default-rules --model "$F/learn.model" "$F/heldout.tsv"
	assert_success
	assert_output "$(printf 'text\tcategory\tcause\tseverity\tpriority\tdue_response\tdue_resolve\tmatched\tclassified_by\tconfidence\nmy parcel is late again\tdelivery\tresult\tnormal\t3\t\t\t\tmodel\t0.6498\n一张账单扣了两次\tbilling\tresult\tnormal\t3\t\t\t\tmodel\t0.9378\nthe staff ignored my mother\tattitude\tprocess\tnormal\t3\t\t\t\tmodel\t0.8651\n快递员态度差\tattitude\tprocess\tnormal\t3\t\t\t\tmodel\t0.8268\nzebra crossing\tother\t\tnormal\t3\t\t\t\t\t')"
}

@test "learn: rules first, the model only where none matched, other below --min-confidence" {
	run sh -c "crm-complaint triage --model '$F/learn.model' '$F/heldout.tsv' | cut -f1,2,8-10"
	assert_success
	assert_output "$(printf 'text\tcategory\tmatched\tclassified_by\tconfidence\nmy parcel is late again\tdelivery\t\tmodel\t0.6498\n一张账单扣了两次\tbilling\tb-zh-charge\tb-zh-charge\t\nthe staff ignored my mother\tattitude\ta-en-impatient\ta-en-impatient\t\n快递员态度差\tattitude\ta-zh-attitude\ta-zh-attitude\t\nzebra crossing\tother\t\t\t')"
	run sh -c "crm-complaint triage --model '$F/learn.model' --min-confidence 0.9 '$F/heldout.tsv' | sed -n 2p | cut -f1,2,9,10"
	assert_output "$(printf 'my parcel is late again\tother\t\t0.6498')"
}

@test "learn: a complaint log teaches by each complaint's last classify event" {
	printf 'complaint_id\tts\tevent\tcustomer_id\tstatus\tcategory\tcause\tseverity\tpriority\tchannel\tagent\tdue_response\tdue_resolve\tsatisfaction\ttext\n' >log.tsv
	printf 'K1\t2026-11-01T09:00:00Z\topen\tC1\topen\tother\t\tnormal\t3\t\t\t\t\t\tparcel never came\n' >>log.tsv
	printf 'K2\t2026-11-01T10:00:00Z\topen\tC2\topen\tother\t\tnormal\t3\t\t\t\t\t\tcharged for nothing\n' >>log.tsv
	printf 'K1\t2026-11-01T11:00:00Z\tclassify\tC1\topen\tbilling\t\t\t\t\t\t\t\t\t\n' >>log.tsv
	printf 'K1\t2026-11-01T12:00:00Z\tclassify\tC1\topen\tdelivery\tresult\thigh\t\t\t\t\t\t\tcourier lost it\n' >>log.tsv
	printf 'K3\t2026-11-01T13:00:00Z\topen\tC3\topen\tother\t\tnormal\t3\t\t\t\t\t\tgraded by the rules only\n' >>log.tsv
	run crm-complaint learn log.tsv
	assert_success
	assert_output "$(printf '# crmkit-nb 1\nkind\ttoken\tdelivery\ntexts\t\t1\ntokens\t\t3\ncause\t\tresult\nseverity\t\thigh\nword\tcame\t1\nword\tnever\t1\nword\tparcel\t1\nend\t3')"
	# and with the labelled file, one model of both
	run sh -c "crm-complaint learn log.tsv '$F/learn.tsv' | sed -n 3p"
	assert_output "$(printf 'texts\t\t4\t4\t5')"
}

@test "learn: --evaluate prints k-fold accuracy and the confusion table" {
	run crm-complaint learn --evaluate 3 "$F/learn.tsv"
	assert_success
	assert_output "$(printf 'folds\ttexts\tright\taccuracy\n3\t12\t1\t0.0833\n\nlabel\tattitude\tbilling\tdelivery\tother\nattitude\t0\t1\t1\t2\nbilling\t0\t0\t1\t3\ndelivery\t0\t0\t1\t3\nother\t0\t0\t0\t0')"
	run crm-complaint learn --evaluate 13 "$F/learn.tsv"
	assert_failure 2
	assert_output "crm-complaint: --evaluate: 13 folds for 12 labelled texts (at most one a text)"
	run crm-complaint learn --evaluate 3 -o m.tsv "$F/learn.tsv"
	assert_failure 2
	assert_output "crm-complaint: --evaluate prints figures and writes no model: drop -o"
	run crm-complaint learn --evaluate 1 "$F/learn.tsv"
	assert_failure 2
	assert_output "crm-complaint: --evaluate: not an integer in 2..1000000 '1'"
}

@test "learn: bad labelled rows are reported and the rest learned" {
	printf 'text\tcategory\tcause\tseverity\nlate parcel\tdelivery\tresult\t\n\tdelivery\t\t\nrude\tatt itude\t\t\nslow\tdelivery\tlate\t\nwrong bill\tbilling\t\tdire\ncharged twice\tbilling\t\t\n' >in.tsv
	run crm-complaint learn in.tsv
	assert_failure 1
	assert_line -n 0 "crm-complaint: in.tsv:3: text: empty text"
	assert_line -n 1 "crm-complaint: in.tsv:4: category: spaces in a category 'att itude'"
	assert_line -n 2 "crm-complaint: in.tsv:5: cause: unknown cause 'late'"
	assert_line -n 3 "crm-complaint: in.tsv:6: severity: unknown severity 'dire'"
	assert_line -n 5 "$(printf 'kind\ttoken\tbilling\tdelivery')"
	printf 'text\nno labels\n' >nolab.tsv
	run crm-complaint learn nolab.tsv
	assert_failure 2
	assert_output "crm-complaint: nolab.tsv: no category column (nor complaint_id, ts and event, for a complaint log)"
	printf 'text\tcategory\n' >empty.tsv
	run crm-complaint learn empty.tsv
	assert_failure 2
	assert_output "crm-complaint: no labelled texts to learn from"
	run crm-complaint learn nope.tsv
	assert_failure 2
	assert_output "crm-complaint: nope.tsv: No such file or directory"
}

@test "learn: a corrupt, truncated or foreign model is refused naming file and line" {
	head -n 20 "$F/learn.model" >cut.tsv
	run crm-complaint triage --model cut.tsv "$F/heldout.tsv"
	assert_failure 2
	assert_output "crm-complaint: cut.tsv:21: truncated model: the end line is missing"
	head -c 300 "$F/learn.model" >torn.tsv
	run crm-complaint triage --model torn.tsv "$F/heldout.tsv"
	assert_failure 2
	assert_output --regexp "^crm-complaint: torn.tsv:[0-9]+: truncated line \(no newline at the end\)$"
	awk -F '\t' 'BEGIN { OFS = "\t" } NR == 9 { $3 += 5 } { print }' "$F/learn.model" >edit.tsv
	run crm-complaint triage --model edit.tsv "$F/heldout.tsv"
	assert_failure 2
	assert_output "crm-complaint: edit.tsv:127: tokens of class 'attitude' are 40, its words add up to 45"
	sed '1s/1$/2/' "$F/learn.model" >v2.tsv
	run crm-complaint open -f log.tsv -c C1 --text x --model v2.tsv
	assert_failure 2
	assert_output "crm-complaint: v2.tsv:1: model version '2' is not supported (this program reads version 1)"
	[ ! -e log.tsv ]
	run crm-complaint triage --model "$F/learn.tsv" "$F/heldout.tsv"
	assert_failure 2
	assert_output "crm-complaint: $F/learn.tsv:1: not a crmkit-nb model (the first line is not '# crmkit-nb 1')"
	run crm-complaint triage --model "$F/learn.model" --min-confidence 1.5 "$F/heldout.tsv"
	assert_failure 2
	assert_output "crm-complaint: --min-confidence: not a number in 0..1 '1.5'"
}

@test "learn: open --model records the model's category and says so" {
	run crm-complaint open -f log.tsv -c C1 --model "$F/learn.model" --text 'my parcel is late again' --ts 2026-11-01T09:00:00Z
	assert_success
	assert_line -n 0 "$(printf 'complaint_id\tcustomer_id\tcategory\tcause\tseverity\tpriority\towner\tdue_response\tdue_resolve\tmatched\tclassified_by\tconfidence')"
	run sh -c "sed -n 2p log.tsv | cut -f3,6-8"
	assert_output "$(printf 'open\tdelivery\tresult\tnormal')"
	run crm-complaint open -f log.tsv -c C2 --no-default-rules --model "$F/learn.model" --text 'zebra crossing' --ts 2026-11-01T10:00:00Z
	assert_success
	run sh -c "printf '%s\n' \"\$1\" | sed -n 2p | cut -f3,11,12" sh "$output"
	assert_output "$(printf 'other\t\t')"
}

@test "learn: an unwritable -o and a missing --model are errors" {
	run crm-complaint learn -o nodir/m.tsv "$F/learn.tsv"
	assert_failure 2
	assert_output "crm-complaint: nodir/m.tsv: No such file or directory"
	run crm-complaint triage --model nope.tsv "$F/heldout.tsv"
	assert_failure 2
	assert_output "crm-complaint: nope.tsv: No such file or directory"
}
