/* SPDX-License-Identifier: Apache-2.0 */
/* Reads a --baseline file into the findings pass's baseline; every mistake in it is a usage error. */
#include "config.h"
#include "baseline_file.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Writes a printf-style message and returns -1. */
static int bad(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
	return -1;
}

/* The target globs of one pattern: "target" as a string or an array of strings; n = 0 when absent. */
static int pattern_targets(json_t *t, const char **out, size_t max, size_t *n)
{
	*n = 0;
	if (!t)
		return 0;
	if (json_is_string(t)) {
		out[(*n)++] = json_string_value(t);
		return 0;
	}
	if (!json_is_array(t) || json_array_size(t) == 0 || json_array_size(t) > max)
		return -1;
	for (size_t i = 0; i < json_array_size(t); i++) {
		json_t *s = json_array_get(t, i);
		if (!json_is_string(s))
			return -1;
		out[(*n)++] = json_string_value(s);
	}
	return 0;
}

/* Adds pattern number i (object o) of the file to b. */
static int add_pattern(const char *path, size_t i, json_t *o, findings_baseline *b, char *msg, size_t cap)
{
	if (!json_is_object(o))
		return bad(msg, cap, "--baseline %s: patterns[%zu] is not an object", path, i);
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
		if (strcmp(key, "rule") && strcmp(key, "path") && strcmp(key, "target") && strcmp(key, "note"))
			return bad(msg, cap, "--baseline %s: patterns[%zu]: unknown key '%s' (rule, path, target, note)", path, i, key);
	json_t *rule = json_object_get(o, "rule"), *p = json_object_get(o, "path"), *note = json_object_get(o, "note");
	if (!json_is_string(rule))
		return bad(msg, cap, "--baseline %s: patterns[%zu] needs \"rule\": a rule id or \"*\"", path, i);
	int r = strcmp(json_string_value(rule), "*") ? findings_rule_parse(json_string_value(rule)) : -1;
	if (r < 0 && strcmp(json_string_value(rule), "*"))
		return bad(msg, cap, "--baseline %s: patterns[%zu]: unknown rule '%s'", path, i, json_string_value(rule));
	if (!json_is_string(p) || json_string_value(p)[0] != '\\')
		return bad(msg, cap, "--baseline %s: patterns[%zu] needs \"path\": a volume path glob starting with \\", path, i);
	if (note && !json_is_string(note))
		return bad(msg, cap, "--baseline %s: patterns[%zu]: \"note\" must be a string", path, i);
	const char *targets[64];
	size_t nt;
	if (pattern_targets(json_object_get(o, "target"), targets, 64, &nt))
		return bad(msg, cap, "--baseline %s: patterns[%zu]: \"target\" must be a glob or a list of 1 to 64 globs", path, i);
	ntfs_error e;
	if (findings_baseline_add(b, r, json_string_value(p), targets, nt, note ? json_string_value(note) : NULL, &e) != NTFS_OK)
		return bad(msg, cap, "--baseline %s: %s", path, e.reason);
	return 0;
}

/* Reads the patterns of document doc into b. */
static int load_doc(const char *path, json_t *doc, findings_baseline *b, char *msg, size_t cap)
{
	if (!json_is_object(doc))
		return bad(msg, cap, "--baseline %s: not a JSON object", path);
	json_t *ver = json_object_get(doc, "ntfslinks_baseline"), *pats = json_object_get(doc, "patterns");
	if (!json_is_integer(ver) || json_integer_value(ver) != 1)
		return bad(msg, cap, "--baseline %s: needs \"ntfslinks_baseline\": 1 (the format version)", path);
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v)
		if (strcmp(key, "ntfslinks_baseline") && strcmp(key, "patterns") && strcmp(key, "description"))
			return bad(msg, cap, "--baseline %s: unknown key '%s' (ntfslinks_baseline, description, patterns)", path, key);
	if (!json_is_array(pats))
		return bad(msg, cap, "--baseline %s: needs \"patterns\": a list", path);
	if (json_array_size(pats) > BASELINE_FILE_MAX_PATTERNS)
		return bad(msg, cap, "--baseline %s: %zu patterns, at most %u", path, json_array_size(pats), BASELINE_FILE_MAX_PATTERNS);
	for (size_t i = 0; i < json_array_size(pats); i++)
		if (add_pattern(path, i, json_array_get(pats, i), b, msg, cap))
			return -1;
	return 0;
}

int baseline_file_load(const char *path, findings_baseline *b, char *msg, size_t cap)
{
	ntfs_error e;
	if (findings_baseline_init(b, &e) != NTFS_OK) {
		findings_baseline_free(b);
		return bad(msg, cap, "--baseline %s: %s", path, e.reason);
	}
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		findings_baseline_free(b);
		return bad(msg, cap, "--baseline %s: not a readable file", path);
	}
	if ((unsigned long long)sb.st_size > BASELINE_FILE_MAX_BYTES) {
		findings_baseline_free(b);
		return bad(msg, cap, "--baseline %s: %llu bytes, at most %u", path, (unsigned long long)sb.st_size,
			   BASELINE_FILE_MAX_BYTES);
	}
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		findings_baseline_free(b);
		return bad(msg, cap, "--baseline %s: line %d: %s", path, je.line, je.text);
	}
	int rc = load_doc(path, doc, b, msg, cap);
	json_decref(doc);
	if (rc)
		findings_baseline_free(b);
	return rc;
}
