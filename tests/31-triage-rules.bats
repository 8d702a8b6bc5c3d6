#!/usr/bin/env bats
# The default triage rules on the texts they are for: escalation needs the
# threatening sense or a harm that happened, so the false friends found in
# real complaints are not urgent; and on the labelled development corpus
# (tests/fixtures/complaint/corpus.tsv, 341 texts, half Chinese, from
# retail, food delivery, cars, telecoms, banks, insurance, hotels, travel
# and utilities) the rules hold the targets: category right >= 85%,
# "other" <= 15% where a category fits, false urgent <= 2%.

load helper

# triage TEXT: the category and severity the default rules give it
triage() {
	printf 'text\n%s\n' "$1" >in.tsv
	crm-complaint triage in.tsv | tail -n 1 | cut -f 2,4
}

@test "rules: 'regulatory' is not a regulator threatened" {
	run triage "Regulatory changes announced last year affected my account terms, I'd like a copy of the new terms."
	assert_success
	refute_output --partial urgent
}

@test "rules: 'injurious' is not an injury" {
	run triage "The late fee is injurious to my budget and I want it reversed."
	refute_output --partial urgent
	assert_output "$(printf 'billing\tnormal')"
}

@test "rules: hazard insurance is not a hazard" {
	run triage "Hazard insurance was added to my escrow even though I have my own policy, my payment jumped \$200."
	refute_output --partial urgent
	assert_output "$(printf 'billing\tnormal')"
}

@test "rules: a hurt credit score is not a hurt person" {
	run triage "This collection account is hurting my credit score and it hurt my credit score for two years."
	refute_output --partial urgent
	assert_output "$(printf 'process\tnormal')"
}

@test "rules: a device's low-battery alarm (电量不足时报警) is not calling the police" {
	run triage "电量不足时报警的提示音太响了，能不能调小"
	refute_output --partial urgent
}

@test "rules: 服务差到爆炸 is a figure of speech, not an explosion" {
	run triage "服务差到爆炸，问什么都不会"
	assert_output "$(printf 'attitude\tnormal')"
}

@test "rules: a stay in hospital is not an injury from the product (我们在住院)" {
	run triage "我们在住院，居然不给带餐具"
	refute_output --partial urgent
}

@test "rules: a fire alarm test and a smoke detector are not fires" {
	run triage "The fire alarm test in the morning woke us up, and the smoke detector beeps."
	refute_output --partial urgent
}

@test "rules: media relations and an advert seen on 抖音 are not media threats" {
	run triage "I contacted the media relations team to ask for a catalogue, no answer."
	refute_output --partial urgent
	run triage "我在抖音上看到你们的广告才来买的，用着还行"
	refute_output --partial urgent
}

@test "rules: a lawsuit threatened is urgent, with the complaint's own category" {
	run triage "If this isn't fixed by Friday I will sue. You reported my account as charged off."
	assert_output "$(printf 'process\turgent')"
}

@test "rules: 去12315投诉 and 找媒体曝光 are urgent" {
	run triage "再不给解决我就去12315投诉，还要找媒体曝光"
	assert_output "$(printf 'process\turgent')"
}

@test "rules: a fire that happened is urgent and a quality complaint" {
	run triage "The space heater I bought caught fire in my living room last night."
	assert_output "$(printf 'quality\turgent')"
	run triage "充电宝充电的时候冒烟了，差点着火"
	assert_output "$(printf 'quality\turgent')"
}

@test "rules: an injury that happened is urgent (摔倒骨折, food poisoning)" {
	run triage "浴室地太滑了，我母亲摔倒骨折了"
	assert_output "$(printf 'quality\turgent')"
	run triage "I got food poisoning after eating the chicken wrap, went to urgent care this morning."
	assert_output "$(printf 'quality\turgent')"
}

@test "rules: food delivery complaints as customers write them" {
	run triage "送餐太慢了，等了两个小时，饭菜全凉了"
	assert_output "$(printf 'delivery\tnormal')"
	run triage "米饭里吃出一只苍蝇，恶心死了"
	assert_output "$(printf 'quality\tnormal')"
	run triage "The driver spilled the soup all over the bag, everything was soaked."
	assert_output "$(printf 'delivery\tnormal')"
}

# The shapes of the public Chinese review exports (food delivery, hotels,
# online shopping) that the older rules left "other"; each text is ours,
# written the way those reviews are.
@test "rules: slow food, wrong dishes, noisy rooms and laggy phones as customers write them" {
	while IFS='|' read -r text want; do
		got=$(triage "$text" | cut -f 1)
		[ "$got" = "$want" ] || fail "$text: $got, want $want"
	done <<'EOF'
一个字，慢|delivery
十一点下单，一点半才送到|delivery
要的是排骨饭，结果送的是鸡肉饭|delivery
配菜拿错了|delivery
备注了不要辣，结果还是放了辣椒|delivery
东西至今没到，物流太不给力|delivery
分量少得可怜|quality
没有以前好吃了|quality
房间靠马路，太吵了|quality
不隔音，隔壁说话听得很清楚|quality
玩游戏很卡，电池不经用|quality
打开箱子洗发水都漏出来了|quality
服务不到位，房间没人打扫|attitude
刚买完第二天就降价了|billing
内容没有介绍的那么好|expectation
申请换货一周没人处理|process
EOF
}

@test "rules: a drive time, a slow web page, a bedtime and a car park are not delivery or quality" {
	while IFS='|' read -r text want; do
		got=$(triage "$text" | cut -f 1)
		[ "$got" = "$want" ] || fail "$text: $got, want $want"
	done <<'EOF'
酒店离机场车程10分钟，很方便|other
你们的官网打开有点慢|other
书里教孩子不按时睡觉不好|other
展厅的停车位太少了|other
EOF
}

@test "rules: every default rule says which complaint it is for" {
	# a comment line before each group, and ids that name language and subject
	run awk -F '\t' '!/^#/ && NF > 1 && $1 != "id" && $1 !~ /^[a-z]-(zh|en)-[a-z]+$/ { print "bad id " $1 }' \
		"$BATS_TEST_DIRNAME/../share/complaint-rules.tsv"
	assert_output ""
}

@test "rules: the development corpus meets the triage targets" {
	run sh "$BATS_TEST_DIRNAME/../tools/triage-eval.sh" "$CRM_BIN"
	assert_success
	# set texts category_right other_where_fits false_urgent missed_urgent
	line=$(printf '%s\n' "$output" | awk -F '\t' '$1 == "all"')
	awk -F '\t' '{ gsub("%", ""); exit !($3 >= 85 && $4 <= 15 && $5 <= 2) }' <<<"$line" ||
		fail "targets missed: $line"
	assert_line --partial "$(printf 'all\t341\t')"
}
