/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The findings pass: the link tricks attackers use (object-manager redirection, links into shadow copies,
 * writable folders redirected into protected ones, hard links onto protected files, ...), each flagged
 * with the records, paths and fields that triggered it, and silence on the links every Windows
 * installation has (the baseline: built in, extended by a site's file, or turned off).
 * Input: one scanned volume after resolution and after the owners and security descriptors of its
 * records are settled (findings_input: model, paths, name index, resolved links, access table). Output: a findings_list of the volume's own.
 * Threads: findings_run only reads its input and writes its own list, so the volumes' passes may run side
 * by side; a baseline is read-only once built and may be shared by any number of passes. The rules over the
 * hard-link sets run on in->threads threads (shares of records, their findings appended in record order:
 * the same list for any number), joined before findings_run returns.
 */
#ifndef NTFSLINKS_FINDINGS_H
#define NTFSLINKS_FINDINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "access.h"
#include "arena.h"
#include "model.h"
#include "name_index.h"
#include "ntfs_error.h"
#include "paths.h"

/* The rules, in the report's order. Their stable ids are findings_rule_id()'s. */
typedef enum {
	FINDING_OBJECT_MANAGER = 0,   /* 1: target in the object manager namespace */
	FINDING_SHADOW_COPY,          /* 2: target in a volume shadow copy */
	FINDING_WRITABLE_REDIRECT,    /* 3: junction in a writable folder onto a protected one */
	FINDING_HARDLINK_PROTECTED,   /* 4: hard link from a writable folder onto a protected file */
	FINDING_EXECUTABLE_RENAMED,   /* 5: executable hard-linked under another name */
	FINDING_JUNCTION_LOOP,        /* 6: junction onto its own ancestor, and fan-outs of them */
	FINDING_PRINT_NAME,           /* 7: print name showing another target */
	FINDING_APP_ALIAS,            /* 8: app execution alias out of place */
	FINDING_INSTALLER_ROLLBACK,   /* 9: installer rollback folder with links */
	FINDING_LINKED_LATER,         /* 10: name linked long after a system file was created */
	FINDING_RULE_COUNT
} finding_rule;

typedef enum { FINDING_HIGH = 0, FINDING_MEDIUM, FINDING_LOW } finding_severity;

/* One field of a finding's evidence: the name of what triggered it and its value, as text. */
typedef struct {
	char *name;
	char *value;
} finding_field;

/*
 * One finding with its text: what a rule builds, what the baseline matches and what the writers print
 * (findings_view renders a kept finding_item into one).
 */
typedef struct {
	finding_rule rule;
	finding_severity severity;
	char *title;              /* one line */
	vec records;              /* uint32_t: every MFT record involved */
	vec paths;                /* char *: their paths */
	char *target;             /* the volume-relative target a link leads to, NULL for hard-link sets */
	vec evidence;             /* finding_field */
	vec path_names;           /* internal (the findings pass): uint32_t per path, the name in model.names it is
				   * the path of (MODEL_NONE: none) */
} finding;

/*
 * One finding as the list keeps it: its rule, severity and records, and its text with every path in it
 * (the paths of its names, and their folders) kept as the name's number, composed again by findings_view
 * when a writer prints it. A finding costs its numbers and the words of its rule, not copies of paths.
 */
typedef struct {
	finding_rule rule;
	finding_severity severity;
	uint32_t nrecords;
	uint32_t npaths;
	uint32_t nfields;
	bool has_target;
	const uint32_t *records;  /* nrecords */
	const uint8_t *text;      /* internal: title, target, paths and evidence, encoded (findings.c) */
} finding_item;

/* The findings of one volume, in rule order then record order, and what the baseline kept quiet. */
typedef struct {
	vec items;                /* finding_item */
	uint64_t baseline_suppressed;
	const model *m;           /* what the paths of the findings are composed from (findings_view) */
	const paths *p;
	void *pool;               /* internal: blocks holding the items' records and text (tens of thousands of
				   * findings cost a few large allocations, not a dozen small ones each) */
} findings_list;

/* A finding rendered for a writer: f holds the text, valid until the next findings_view into it. */
typedef struct {
	finding f;
	char *buf;                /* internal: the strings */
	size_t cap;
	vec offs;                 /* internal: size_t per string, its offset in buf while rendering */
} finding_view;

/* One known-good pattern (see findings_baseline_add for how it matches). */
typedef struct {
	int rule;                 /* a finding_rule, or -1 for every rule */
	char *path;               /* glob */
	vec targets;              /* char *: globs; none means any */
	char *note;
	bool builtin;
} findings_pattern;

/* Known-good patterns: the built-in ones of a normal Windows installation, plus a site's own. */
typedef struct {
	vec patterns;             /* findings_pattern */
} findings_baseline;

/* What the pass reads: one scanned, resolved volume. */
typedef struct {
	const model *m;
	const paths *p;
	const name_index *ix;     /* only for \Config.Msi; NULL when config_msi gives it */
	const uint32_t *config_msi; /* the directory record of \Config.Msi (MODEL_NONE: none), looked up before
				     * the name index was released; NULL: looked up in ix */
	const vec *links;         /* link_entry, targets resolved */
	const access_table *access; /* the settled security descriptors (who may write what); NULL: none known */
	int volume;               /* the volume's index in the report */
	const findings_baseline *baseline; /* NULL: report everything (--no-baseline) */
	int threads;              /* for the hard-link sets' rules: 0 one per core, 1 the caller's alone */
} findings_input;

/* The stable id of a rule ("object_manager_redirect", ...). */
const char *findings_rule_id(finding_rule r);

/* The rule called id, or -1. */
int findings_rule_parse(const char *id);

/* The technique or CVE class a rule describes, in words. */
const char *findings_rule_reference(finding_rule r);

/* "high", "medium", "low". */
const char *findings_severity_name(finding_severity s);

/* Prepares a baseline holding the built-in patterns; returns NTFS_OK or NTFS_E_NOMEM. */
ntfs_status findings_baseline_init(findings_baseline *b, ntfs_error *err);

/*
 * Adds one pattern. path and targets are case-insensitive globs over volume-relative paths ("\Windows\x"):
 * '*' matches within one component, '**' across components, '?' one character. A finding of a link matches
 * when path matches the link's path and (when targets are given) one target glob matches where it leads; a
 * finding of a hard-link set matches when path matches one of its names and every other name matches one
 * of the target globs. rule -1 matches every rule.
 */
ntfs_status findings_baseline_add(findings_baseline *b, int rule, const char *path, const char *const *targets,
				  size_t ntargets, const char *note, ntfs_error *err);

/* Releases a baseline. */
void findings_baseline_free(findings_baseline *b);

/* True when glob pat matches the whole of s (the matching findings_baseline_add describes). */
bool findings_glob(const char *pat, const char *s);

/* True when a pattern of b matches finding f. */
bool findings_baseline_matches(const findings_baseline *b, const finding *f);

/* Runs every rule over one volume into out (made here). Fails only when memory runs out. */
ntfs_status findings_run(const findings_input *in, findings_list *out, ntfs_error *err);

/* Releases a list. */
void findings_list_free(findings_list *l);

/* Item i of l. */
static inline const finding_item *findings_item(const findings_list *l, size_t i)
{
	return &((const finding_item *)l->items.data)[i];
}

/* Prepares an empty view. */
void finding_view_init(finding_view *v);

/*
 * Renders item i of l into v: the same text the rules wrote, its paths composed again from l's model and paths.
 * Returns &v->f (valid until the next call with v or finding_view_free), or NULL when memory runs out.
 */
const finding *findings_view(const findings_list *l, size_t i, finding_view *v);

/* Releases a view. */
void finding_view_free(finding_view *v);

#endif
