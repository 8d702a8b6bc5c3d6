#!/usr/bin/env bats
# JSON Lines of every tool: integer, decimal and money columns are bare
# numbers (null when empty), text is a string.  Each test compares exact
# lines and runs the whole output through python3's json module, which
# also checks the type of every key.

load helper
bats_require_minimum_version 1.5.0

F="$BATS_TEST_DIRNAME/fixtures"

# jtypes "KEY ..." <FILE: every line is one JSON object (python3's json);
# the keys named are numbers or null, every other key a string.
jtypes() {
	python3 -c '
import json, sys
nums = set(sys.argv[1].split())
n = 0
for line in sys.stdin:
    o = json.loads(line)
    n += 1
    for k, v in o.items():
        if k in nums:
            assert v is None or (type(v) in (int, float)), (k, v)
        else:
            assert isinstance(v, str), (k, v)
assert n > 0, "no lines"
print(n, "lines")' "$1"
}

@test "jsonl: crm-import writes the kind's integer, money, decimal and 0/1 columns and --compute results bare" {
	printf 'customer_id,date,quantity,unit_price,channel\nC1,2026-01-05,3,2.50,web\n' >t.csv
	run crm-import -k transactions --format jsonl --compute 'total=quantity*unit_price' t.csv
	assert_success
	assert_output '{"customer_id":"C1","date":"2026-01-05","quantity":3,"unit_price":2.5,"channel":"web","total":7.5,"amount":7.50}'
	printf '%s\n' "$output" | jtypes "quantity unit_price total amount"
	printf 'customer_id,date,amount,quantity\nC1,2026-01-05,7.50,3\nC2,2026-01-06,-1.00,\n' >t2.csv
	run crm-import -k transactions --format jsonl t2.csv
	assert_success
	assert_output '{"customer_id":"C1","date":"2026-01-05","amount":7.50,"quantity":3}
{"customer_id":"C2","date":"2026-01-06","amount":-1.00,"quantity":null}'
	printf '%s\n' "$output" | jtypes "amount quantity"
	printf 'customer_id,date,instrument,score,expectation\nC1,2026-01-05,nps,9,\n' >s.csv
	run crm-import -k surveys --format jsonl s.csv
	assert_output '{"customer_id":"C1","date":"2026-01-05","instrument":"nps","score":9,"expectation":null}'
	printf '%s\n' "$output" | jtypes "score expectation"
	run --separate-stderr crm-import -k customers --format jsonl "$F/import/customers.csv"
	assert_line --index 0 '{"customer_id":"C1","name":"王小明","phone":"+8613800138000","email":"wang@example.com","status":"customer","gender":"M","birth_year":1985,"blacklist":0,"created":"2026-01-05","wechat":"wx_wang"}'
	printf '%s\n' "$output" | jtypes "birth_year blacklist"
	# --raw knows no kind: strings, but for --compute
	run crm-import --raw --format jsonl --compute 'q2=quantity*2' t.csv
	assert_output '{"customer_id":"C1","date":"2026-01-05","quantity":"3","unit_price":"2.50","channel":"web","q2":6}'
}

@test "jsonl: crm-log show, stats and due" {
	run crm-log show -f "$F/log/small.tsv" --format jsonl
	assert_success
	assert_line --index 1 '{"id":"I2","ts":"2026-11-02T10:30:00+08:00","customer_id":"C1002","channel":"visit","type":"care","initiator":"company","agent":"A02","duration_s":null,"outcome":"resolved","satisfaction":5,"next_action":"","note":"节日问候","campaign":"2026冬季关怀"}'
	printf '%s\n' "$output" | jtypes "duration_s satisfaction"
	run crm-log stats -f "$F/log/small.tsv" --format jsonl
	assert_success
	assert_line --index 0 '{"dimension":"channel","value":"visit","count":1}'
	printf '%s\n' "$output" | jtypes "count"
	run crm-log due -f "$F/log/due-log.tsv" --customers "$F/log/due-customers.tsv" --as-of 2026-12-31 --format jsonl
	assert_success
	assert_line --index 0 '{"customer_id":"C8","due":"2026-02-28","reason":"return_visit","last_contact":"2026-01-31"}'
	printf '%s\n' "$output" | jtypes ""
}

@test "jsonl: crm-complaint open, list and triage write priority, satisfaction, repeat and confidence bare" {
	run crm-complaint open -f k.tsv -c C1 --text 'The heater caught fire' --ts 2026-11-01T10:00:00+08:00 --format jsonl
	assert_success
	id1=$(printf '%s' "$output" | python3 -c 'import json, sys; print(json.load(sys.stdin)["complaint_id"])')
	assert_output '{"complaint_id":"'"$id1"'","customer_id":"C1","category":"quality","cause":"result","severity":"urgent","priority":1,"owner":"","due_response":"2026-11-02T10:00:00+08:00","due_resolve":"2026-11-02T10:00:00+08:00","matched":"q-en-harm,x-en-fire"}'
	printf '%s\n' "$output" | jtypes "priority"
	run crm-complaint open -f k.tsv -c C1 --text '包装破损，客服态度很差' --ts 2026-11-02T10:00:00+08:00 --model "$F/complaint/learn.model" --format jsonl
	assert_success
	id2=$(printf '%s' "$output" | python3 -c 'import json, sys; print(json.load(sys.stdin)["complaint_id"])')
	assert_output '{"complaint_id":"'"$id2"'","customer_id":"C1","category":"attitude","cause":"process","severity":"normal","priority":3,"owner":"","due_response":"2026-11-03T10:00:00+08:00","due_resolve":"2026-11-05T10:00:00+08:00","matched":"q-zh-damage,a-zh-attitude","classified_by":"a-zh-attitude","confidence":null}'
	printf '%s\n' "$output" | jtypes "priority confidence"
	crm-complaint open -f k.tsv -c C1 --text 'rude staff' --ts 2026-11-02T11:00:00+08:00 >/dev/null
	crm-complaint update "$id1" -f k.tsv --event resolve --satisfaction 4 --ts 2026-11-02T12:00:00+08:00
	run crm-complaint list -f k.tsv --as-of 2026-11-03T00:00:00+08:00 --format jsonl
	assert_success
	assert_line --index 0 '{"complaint_id":"'"$id1"'","customer_id":"C1","opened":"2026-11-01T10:00:00+08:00","status":"resolved","category":"quality","severity":"urgent","priority":1,"owner":"","due_response":"2026-11-02T10:00:00+08:00","due_resolve":"2026-11-02T10:00:00+08:00","responded":"2026-11-02T12:00:00+08:00","resolved":"2026-11-02T12:00:00+08:00","satisfaction":4,"overdue":"","repeat":null}'
	assert_line --index 1 '{"complaint_id":"'"$id2"'","customer_id":"C1","opened":"2026-11-02T10:00:00+08:00","status":"open","category":"attitude","severity":"normal","priority":3,"owner":"","due_response":"2026-11-03T10:00:00+08:00","due_resolve":"2026-11-05T10:00:00+08:00","responded":"","resolved":"","satisfaction":null,"overdue":"","repeat":null}'
	# the third complaint in the repeat window: repeat 3
	assert_line --index 2 --regexp '"customer_id":"C1","opened":"2026-11-02T11:00:00\+08:00",.*"priority":[0-9],.*"satisfaction":null,"overdue":"","repeat":3}$'
	printf '%s\n' "$output" | jtypes "priority satisfaction repeat"
	run crm-complaint triage --format jsonl "$F/complaint/log-triage.tsv"
	assert_success
	assert_line --index 0 '{"complaint_id":"K1","ts":"2026-11-01T09:00:00+08:00","event":"open","customer_id":"C1","status":"open","category":"attitude","cause":"process","severity":"normal","priority":3,"channel":"web","agent":"A1","due_response":"2026-11-02T09:00:00+08:00","due_resolve":"2026-11-04T09:00:00+08:00","satisfaction":null,"text":"包装破损，客服态度很差","matched":"q-zh-damage,a-zh-attitude"}'
	printf '%s\n' "$output" | jtypes "priority satisfaction"
	run crm-complaint triage --no-default-rules --model "$F/complaint/learn.model" --format jsonl "$F/complaint/heldout.tsv"
	assert_success
	assert_line --index 0 '{"text":"my parcel is late again","category":"delivery","cause":"result","severity":"normal","priority":3,"due_response":"","due_resolve":"","matched":"","classified_by":"model","confidence":0.6498}'
	printf '%s\n' "$output" | jtypes "priority confidence"
}

@test "jsonl: crm-segment" {
	run crm-segment --as-of 2026-06-30 --churn-model bgnbd --interactions "$F/segment/interactions.tsv" --complaints "$F/segment/complaints.tsv" --format jsonl "$F/segment/orders-a.tsv" "$F/segment/orders-b.tsv"
	assert_success
	printf '%s\n' "$output" | jtypes "orders days revenue aov recency_days tenure_days r f m churned p_alive expected_purchases clv contacts satisfaction complaints open_complaints"
	run crm-segment --as-of 2026-06-30 --format jsonl "$F/segment/tx.tsv"
	assert_line --index 1 '{"customer_id":"c02","first":"2026-06-29","last":"2026-06-29","orders":1,"days":1,"revenue":50.00,"aov":50.00,"recency_days":1,"tenure_days":1,"r":5,"f":2,"m":2,"rfm":"522","rfm_segment":"Potential loyalist","tier":"lead","abc":"B","stage":"exploration","churned":0}'
}

@test "jsonl: crm-report, every report, the score of the distribution table included" {
	R=$F/report
	run crm-report satisfaction --format jsonl "$R/surveys.tsv"
	assert_success
	assert_line '{"table":"distribution","instrument":"csat","score":2,"responses":1,"share":0.2000}'
	printf '%s\n' "$output" | jtypes "score responses share satisfied csat mean promoters passives detractors nps perception_n perception expectation_n expectation gap"
	run crm-report channels --format jsonl "$R/interactions.tsv"
	assert_line '{"table":"channel","channel":"email","interactions":1,"share":0.1667,"duration_n":0,"avg_duration_s":null,"satisfaction_n":0,"avg_satisfaction":null}'
	printf '%s\n' "$output" | jtypes "interactions share duration_n avg_duration_s satisfaction_n avg_satisfaction complete"
	run crm-report value --format jsonl "$R/tx.tsv"
	assert_line '{"table":"pyramid","tier":"lead","customers":4,"revenue":135.00,"share":0.4576,"avg_revenue":33.75}'
	run crm-report value --table pyramid --format jsonl "$R/tx.tsv"
	printf '%s\n' "$output" | jtypes "customers revenue share avg_revenue"
	run crm-report churn --format jsonl "$R/tx.tsv"
	assert_line --index 1 '{"period":"2026-02","active_start":3,"new":1,"returning":0,"lost":1,"active":3,"churn_rate":0.3333,"lost_revenue":30.00,"complete":1}'
	printf '%s\n' "$output" | jtypes "active_start new returning lost active churn_rate lost_revenue complete"
	run crm-report complaints --table repeat --format jsonl "$R/complaints.tsv"
	assert_line --index 0 '{"customer_id":"C1","complaints":3,"active":2,"last_opened":"2026-04-02T09:00:00+08:00"}'
	run crm-report funnel --format jsonl "$R/customers.tsv"
	assert_line --index 1 '{"stage":"intent","customers":2,"share":0.2000,"reached":6,"conversion":0.6667}'
	printf '%s\n' "$output" | jtypes "customers share reached conversion"
}
