/* SPDX-License-Identifier: Apache-2.0 */
/* The findings pass's globs and baseline matching: what a pattern keeps quiet and what it must not. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"

Test(findings_glob, components_and_case)
{
	cr_assert(findings_glob("\\Windows\\*", "\\windows\\notepad.exe"));
	cr_assert_not(findings_glob("\\Windows\\*", "\\Windows\\System32\\cmd.exe"), "* stays in one component");
	cr_assert(findings_glob("\\Windows\\**", "\\Windows\\System32\\cmd.exe"));
	cr_assert(findings_glob("\\Users\\*\\AppData\\Local\\Temp", "\\Users\\alice\\AppData\\Local\\Temp"));
	cr_assert_not(findings_glob("\\Users\\*\\AppData\\Local\\Temp", "\\Users\\alice\\x\\AppData\\Local\\Temp"));
	cr_assert(findings_glob("\\Program Files*", "\\Program Files (x86)"));
	cr_assert_not(findings_glob("\\Config.Msi", "\\Config.Msi.bak"));
	cr_assert(findings_glob("\\a?c", "\\abc"));
	cr_assert_not(findings_glob("\\a?c", "\\a\\c"), "? is not a separator");
	cr_assert(findings_glob("**", ""));
	cr_assert_not(findings_glob("\\x", "\\x\\"));
	cr_assert(findings_glob("\\caf\xc3\xa9", "\\caf\xc3\xa9"), "UTF-8 compares as bytes");
}

/* A finding of rule r over names (NULL-terminated paths), leading to target (NULL for a hard-link set). */
static finding make(finding_rule r, const char *target, const char **names)
{
	finding f;
	memset(&f, 0, sizeof(f));
	f.rule = r;
	vec_init(&f.paths, sizeof(char *));
	vec_init(&f.records, sizeof(uint32_t));
	vec_init(&f.evidence, sizeof(finding_field));
	for (; *names; names++)
		*(char **)vec_push(&f.paths) = strdup(*names);
	f.target = target ? strdup(target) : NULL;
	return f;
}

static void unmake(finding *f)
{
	for (size_t i = 0; i < f->paths.count; i++)
		free(VEC_AT(&f->paths, char *, i));
	vec_free(&f->paths);
	vec_free(&f->records);
	vec_free(&f->evidence);
	free(f->target);
}

Test(findings_baseline, builtin_component_store_and_profile_junctions)
{
	findings_baseline b;
	ntfs_error e;
	cr_assert_eq(findings_baseline_init(&b, &e), NTFS_OK);
	const char *sxs[] = {"\\Windows\\WinSxS\\amd64_x\\comp.dll", "\\Windows\\System32\\comp.dll", NULL};
	const char *mixed[] = {"\\Windows\\WinSxS\\amd64_x\\comp.dll", "\\Users\\Public\\comp.dll", NULL};
	const char *loop[] = {"\\ProgramData\\Application Data", NULL};
	const char *other[] = {"\\ProgramData\\Vendor\\self", NULL};
	finding f1 = make(FINDING_LINKED_LATER, NULL, sxs), f2 = make(FINDING_LINKED_LATER, NULL, mixed);
	finding f3 = make(FINDING_JUNCTION_LOOP, "\\ProgramData", loop), f4 = make(FINDING_JUNCTION_LOOP, "\\ProgramData", other);
	finding f5 = make(FINDING_WRITABLE_REDIRECT, NULL, sxs);
	cr_assert(findings_baseline_matches(&b, &f1), "component store link");
	cr_assert_not(findings_baseline_matches(&b, &f2), "a WinSxS file also named outside the store");
	cr_assert(findings_baseline_matches(&b, &f3), "the compatibility junction");
	cr_assert_not(findings_baseline_matches(&b, &f4), "a loop the baseline does not know");
	cr_assert_not(findings_baseline_matches(&b, &f5), "a pattern covers its own rules only");
	const char *sm[] = {"\\ProgramData\\Start Menu", NULL};
	finding f6 = make(FINDING_WRITABLE_REDIRECT, "\\ProgramData\\Microsoft\\Windows\\Start Menu", sm);
	finding f7 = make(FINDING_WRITABLE_REDIRECT, "\\Windows\\System32", sm);
	cr_assert(findings_baseline_matches(&b, &f6), "\\ProgramData's Start Menu junction");
	cr_assert_not(findings_baseline_matches(&b, &f7), "a Start Menu junction elsewhere");
	finding *all[] = {&f1, &f2, &f3, &f4, &f5, &f6, &f7};
	for (size_t i = 0; i < 7; i++)
		unmake(all[i]);
	findings_baseline_free(&b);
}

Test(findings_baseline, site_patterns_any_rule_and_target_lists)
{
	findings_baseline b = {0};
	ntfs_error e;
	vec_init(&b.patterns, sizeof(findings_pattern));
	const char *targets[] = {"\\Program Files\\Vendor\\**", "\\ProgramData\\Vendor\\**"};
	cr_assert_eq(findings_baseline_add(&b, -1, "\\ProgramData\\Vendor\\**", targets, 2, "vendor", &e), NTFS_OK);
	const char *link[] = {"\\ProgramData\\Vendor\\cache\\j", NULL};
	const char *set[] = {"\\ProgramData\\Vendor\\a.dll", "\\Program Files\\Vendor\\bin\\a.dll", NULL};
	const char *set_out[] = {"\\ProgramData\\Vendor\\a.dll", "\\Windows\\System32\\a.dll", NULL};
	finding f1 = make(FINDING_WRITABLE_REDIRECT, "\\Program Files\\Vendor\\data", link);
	finding f2 = make(FINDING_WRITABLE_REDIRECT, "\\Windows", link);
	finding f3 = make(FINDING_HARDLINK_PROTECTED, NULL, set), f4 = make(FINDING_HARDLINK_PROTECTED, NULL, set_out);
	cr_assert(findings_baseline_matches(&b, &f1));
	cr_assert_not(findings_baseline_matches(&b, &f2), "the target must match");
	cr_assert(findings_baseline_matches(&b, &f3));
	cr_assert_not(findings_baseline_matches(&b, &f4), "every other name must match a target");
	finding *all[] = {&f1, &f2, &f3, &f4};
	for (size_t i = 0; i < 4; i++)
		unmake(all[i]);
	findings_baseline_free(&b);
}

Test(findings_rules, ids_round_trip)
{
	for (int r = 0; r < FINDING_RULE_COUNT; r++) {
		cr_assert_eq(findings_rule_parse(findings_rule_id((finding_rule)r)), r);
		cr_assert(strlen(findings_rule_reference((finding_rule)r)) > 20);
	}
	cr_assert_eq(findings_rule_parse("nope"), -1);
}
