/* SPDX-License-Identifier: Apache-2.0 */
/* The baseline of the findings pass: globs over volume paths, the built-in patterns, and the matching. */
#include "config.h"
#include "findings.h"

#include <stdlib.h>
#include <string.h>

/* One built-in pattern: the links every Windows installation has. */
typedef struct {
	finding_rule rule;
	const char *path;
	const char *targets[4];
	const char *note;
} builtin_pattern;

static const builtin_pattern BUILTIN[] = {
	/* the component store's own hard links: WinSxS with System32, SysWOW64 and \Windows itself */
	{FINDING_HARDLINK_PROTECTED, "\\Windows\\WinSxS\\**",
	 {"\\Windows\\WinSxS\\**", "\\Windows\\System32\\**", "\\Windows\\SysWOW64\\**", "\\Windows\\*"},
	 "component store hard links"},
	{FINDING_EXECUTABLE_RENAMED, "\\Windows\\WinSxS\\**",
	 {"\\Windows\\WinSxS\\**", "\\Windows\\System32\\**", "\\Windows\\SysWOW64\\**", "\\Windows\\*"},
	 "component store hard links"},
	{FINDING_LINKED_LATER, "\\Windows\\WinSxS\\**",
	 {"\\Windows\\WinSxS\\**", "\\Windows\\System32\\**", "\\Windows\\SysWOW64\\**", "\\Windows\\*"},
	 "component store hard links (servicing links names into place long after the file was staged)"},
	/* the compatibility junctions of the profile folders that point back to their own parent */
	{FINDING_JUNCTION_LOOP, "\\ProgramData\\Application Data", {"\\ProgramData"},
	 "compatibility junction of Windows Vista and later"},
	{FINDING_JUNCTION_LOOP, "\\Users\\*\\AppData\\Local\\Application Data", {"\\Users\\*\\AppData\\Local"},
	 "compatibility junction of every profile"},
	{FINDING_JUNCTION_LOOP, "\\Documents and Settings\\*\\AppData\\Local\\Application Data",
	 {"\\Users\\*\\AppData\\Local"}, "compatibility junction seen through Documents and Settings"},
	/* \ProgramData's compatibility junctions into \ProgramData\Microsoft: ordinary users may add files to
	 * \ProgramData itself, so by its DACL these are junctions in a writable folder onto a protected one */
	{FINDING_WRITABLE_REDIRECT, "\\ProgramData\\Start Menu", {"\\ProgramData\\Microsoft\\Windows\\Start Menu"},
	 "compatibility junction of Windows Vista and later"},
	{FINDING_WRITABLE_REDIRECT, "\\ProgramData\\Templates", {"\\ProgramData\\Microsoft\\Windows\\Templates"},
	 "compatibility junction of Windows Vista and later"},
	/* app execution aliases of the inbox apps: Edge and friends live in \Windows\SystemApps, the Store
	 * Notepad's alias is called notepad.exe */
	{FINDING_APP_ALIAS, "\\Users\\*\\AppData\\Local\\Microsoft\\WindowsApps\\**", {"\\Windows\\SystemApps\\**"},
	 "aliases of inbox apps"},
	{FINDING_APP_ALIAS, "\\Users\\*\\AppData\\Local\\Microsoft\\WindowsApps\\**notepad.exe",
	 {"\\Program Files\\WindowsApps\\Microsoft.WindowsNotepad_*\\**"}, "the Store Notepad's alias"},
};

/* Folds one ASCII letter to lower case (other bytes, UTF-8 included, compare as they are): the C locale's
 * tolower, which ntfslinks runs in (it never calls setlocale), without a call through the locale per byte. */
static inline int fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool findings_glob(const char *pat, const char *s)
{
	while (*pat) {
		if (pat[0] == '*' && pat[1] == '*') {
			pat += 2;
			if (!*pat) /* a trailing ** takes whatever is left */
				return true;
			for (const char *t = s;; t++) {
				if (findings_glob(pat, t))
					return true;
				if (!*t)
					return false;
			}
		}
		if (*pat == '*') {
			pat++;
			for (const char *t = s;; t++) {
				if (findings_glob(pat, t))
					return true;
				if (!*t || *t == '\\')
					return false;
			}
		}
		if (!*s)
			return false;
		if (*pat == '?') {
			if (*s == '\\')
				return false;
		} else if (fold((unsigned char)*pat) != fold((unsigned char)*s)) {
			return false;
		}
		pat++;
		s++;
	}
	return !*s;
}

/* True when s matches one of the pattern's target globs (or the pattern has none). */
static bool target_matches(const findings_pattern *p, const char *s)
{
	if (p->targets.count == 0)
		return true;
	for (size_t i = 0; i < p->targets.count; i++)
		if (s && findings_glob(VEC_AT(&p->targets, char *, i), s))
			return true;
	return false;
}

/* True when pattern p matches finding f. */
static bool pattern_matches(const findings_pattern *p, const finding *f)
{
	if (p->rule >= 0 && p->rule != (int)f->rule)
		return false;
	size_t n = f->paths.count;
	if (f->target)
		return n > 0 && findings_glob(p->path, VEC_AT(&f->paths, char *, 0)) && target_matches(p, f->target);
	for (size_t i = 0; i < n; i++) {
		if (!findings_glob(p->path, VEC_AT(&f->paths, char *, i)))
			continue;
		bool others = true;
		for (size_t j = 0; j < n && others; j++)
			others = j == i || target_matches(p, VEC_AT(&f->paths, char *, j));
		if (others)
			return true;
	}
	return false;
}

bool findings_baseline_matches(const findings_baseline *b, const finding *f)
{
	for (size_t i = 0; b && i < b->patterns.count; i++)
		if (pattern_matches(&VEC_AT(&b->patterns, findings_pattern, i), f))
			return true;
	return false;
}

/* Frees one pattern's strings. */
static void pattern_free(findings_pattern *p)
{
	free(p->path);
	free(p->note);
	for (size_t i = 0; i < p->targets.count; i++)
		free(VEC_AT(&p->targets, char *, i));
	vec_free(&p->targets);
}

ntfs_status findings_baseline_add(findings_baseline *b, int rule, const char *path, const char *const *targets,
				  size_t ntargets, const char *note, ntfs_error *err)
{
	findings_pattern *p = vec_push(&b->patterns);
	if (!p)
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	p->rule = rule;
	vec_init(&p->targets, sizeof(char *));
	p->path = strdup(path);
	p->note = note ? strdup(note) : NULL;
	bool ok = p->path && (!note || p->note);
	for (size_t i = 0; ok && i < ntargets; i++) {
		char **t = vec_push(&p->targets);
		ok = t && (*t = strdup(targets[i])) != NULL;
	}
	if (!ok) {
		pattern_free(p);
		b->patterns.count--;
		return ntfs_error_set(err, NTFS_E_NOMEM, "out of memory");
	}
	return NTFS_OK;
}

ntfs_status findings_baseline_init(findings_baseline *b, ntfs_error *err)
{
	vec_init(&b->patterns, sizeof(findings_pattern));
	for (size_t i = 0; i < sizeof(BUILTIN) / sizeof(BUILTIN[0]); i++) {
		const builtin_pattern *bp = &BUILTIN[i];
		size_t n = 0;
		while (n < 4 && bp->targets[n])
			n++;
		ntfs_status st = findings_baseline_add(b, (int)bp->rule, bp->path, bp->targets, n, bp->note, err);
		if (st != NTFS_OK)
			return st;
		VEC_AT(&b->patterns, findings_pattern, b->patterns.count - 1).builtin = true;
	}
	return NTFS_OK;
}

void findings_baseline_free(findings_baseline *b)
{
	for (size_t i = 0; i < b->patterns.count; i++)
		pattern_free(&VEC_AT(&b->patterns, findings_pattern, i));
	vec_free(&b->patterns);
}
