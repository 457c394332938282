/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>

#include <string.h>

#include "options.h"

/* Parses a NULL-terminated argument list; returns options_parse's result. */
static int parse(options *o, char *msg, const char **args)
{
	int argc = 0;
	while (args[argc])
		argc++;
	return options_parse(argc, (char **)args, o, msg, 256);
}

Test(options, image_and_defaults)
{
	options o;
	char msg[256];
	const char *a[] = {"ntfslinks", "img.E01", NULL};
	cr_assert_eq(parse(&o, msg, a), 0, "%s", msg);
	cr_assert_str_eq(o.image, "img.E01");
	cr_assert_eq(o.format, REPORT_JSON);
	cr_assert_eq(o.partition, -1);
	cr_assert_null(o.output);
}

Test(options, all_options)
{
	options o;
	char msg[256];
	const char *a[] = {"ntfslinks", "-o", "r.json", "--format", "ndjson", "--partition", "1", "--drive", "c=0",
			   "--drive", "D=1", "--threads", "2", "--quiet", "x.dd", NULL};
	cr_assert_eq(parse(&o, msg, a), 0, "%s", msg);
	cr_assert_str_eq(o.output, "r.json");
	cr_assert_eq(o.format, REPORT_NDJSON);
	cr_assert_eq(o.partition, 1);
	cr_assert_eq(o.drive_count, 2);
	cr_assert_eq(o.drives[0].letter, 'C');
	cr_assert_eq(o.drives[1].volume, 1);
	cr_assert_eq(o.threads, 2);
	cr_assert(o.quiet);
}

Test(options, usage_errors_have_messages)
{
	options o;
	char msg[256];
	const char *bad_format[] = {"ntfslinks", "--format", "xml", "x", NULL};
	const char *bad_drive[] = {"ntfslinks", "--drive", "CC", "x", NULL};
	const char *no_image[] = {"ntfslinks", NULL};
	const char *two_ways[] = {"ntfslinks", "--offset", "512", "--partition", "0", "x", NULL};
	const char *zero_threads[] = {"ntfslinks", "--threads", "0", "x", NULL};
	cr_assert_eq(parse(&o, msg, bad_format), -1);
	cr_assert(strstr(msg, "xml"));
	cr_assert_eq(parse(&o, msg, bad_drive), -1);
	cr_assert(strstr(msg, "LETTER=VOLUME"));
	cr_assert_eq(parse(&o, msg, no_image), -1);
	cr_assert_eq(parse(&o, msg, two_ways), -1);
	cr_assert_eq(parse(&o, msg, zero_threads), -1);
}

Test(options, offset_accepts_hex)
{
	options o;
	char msg[256];
	const char *a[] = {"ntfslinks", "--offset", "0x100000", "x", NULL};
	cr_assert_eq(parse(&o, msg, a), 0, "%s", msg);
	cr_assert(o.have_offset);
	cr_assert_eq(o.offset, 1048576);
}

Test(options, views_and_du)
{
	options o;
	char msg[256];
	const char *a[] = {"ntfslinks", "--format", "bodyfile", "--drive-prefix", "C:", "--du", "\\Windows", "x.E01", NULL};
	cr_assert_eq(parse(&o, msg, a), 0, "%s", msg);
	cr_assert_eq(o.format, REPORT_BODYFILE);
	cr_assert(o.format_given);
	cr_assert_str_eq(o.drive_prefix, "C:");
	cr_assert(o.du);
	cr_assert_str_eq(o.du_path, "\\Windows");
	cr_assert_eq(o.du_depth, OPTIONS_DU_DEPTH_DEFAULT);
	cr_assert_str_eq(o.image, "x.E01");
	const char *b[] = {"ntfslinks", "--du", "x.E01", NULL}; /* --du alone: the root */
	cr_assert_eq(parse(&o, msg, b), 0, "%s", msg);
	cr_assert_null(o.du_path);
	cr_assert_str_eq(o.image, "x.E01");
	const char *c[] = {"ntfslinks", "--du-depth", "3", "--format", "dot", "x.E01", NULL};
	cr_assert_eq(parse(&o, msg, c), 0, "%s", msg);
	cr_assert(o.du);
	cr_assert_eq(o.du_depth, 3);
	cr_assert_str_eq(report_format_name(o.format), "dot");
	const char *d[] = {"ntfslinks", "--drive-prefix", "CC", "x", NULL};
	cr_assert_eq(parse(&o, msg, d), -1);
	/* --drive-prefix names bodyfile lines: with any other format (or none given) it is a usage error */
	const char *e[] = {"ntfslinks", "--drive-prefix", "C:", "x", NULL};
	cr_assert_eq(parse(&o, msg, e), -1);
	cr_assert(strstr(msg, "--format bodyfile"), "%s", msg);
	const char *f[] = {"ntfslinks", "--format", "json", "--drive-prefix", "C:", "x", NULL};
	cr_assert_eq(parse(&o, msg, f), -1);
	const char *g[] = {"ntfslinks", "--drive-prefix", "C:", "--format", "BodyFile", "x", NULL};
	cr_assert_eq(parse(&o, msg, g), 0, "%s", msg);
	cr_assert_eq(o.format, REPORT_BODYFILE);
}

Test(options, formats_any_case)
{
	options o;
	char msg[256];
	const char *a[] = {"ntfslinks", "--format", "JSON", "x", NULL};
	cr_assert_eq(parse(&o, msg, a), 0, "%s", msg);
	cr_assert_eq(o.format, REPORT_JSON);
	const char *b[] = {"ntfslinks", "--format", "NdJson", "x", NULL};
	cr_assert_eq(parse(&o, msg, b), 0, "%s", msg);
	cr_assert_eq(o.format, REPORT_NDJSON);
	const char *c[] = {"ntfslinks", "--format", "JSONX", "x", NULL};
	cr_assert_eq(parse(&o, msg, c), -1);
	const char *d[] = {"ntfslinks", "--verify", "x", NULL};
	cr_assert_eq(parse(&o, msg, d), 0, "%s", msg);
	cr_assert(o.verify);
}

Test(options, graph_scope_and_cap)
{
	options o;
	char msg[256];
	const char *a[] = {"ntfslinks", "--format", "dot", "x", NULL}; /* the defaults: suspicious, REPORT_DOT_NODES */
	cr_assert_eq(parse(&o, msg, a), 0, "%s", msg);
	cr_assert_not(o.graph_all);
	cr_assert_eq(o.graph_nodes, 0);
	const char *b[] = {"ntfslinks", "--graph", "all", "--graph-nodes", "0", "--format", "dot", "x", NULL};
	cr_assert_eq(parse(&o, msg, b), 0, "%s", msg);
	cr_assert(o.graph_all);
	cr_assert_eq(o.graph_nodes, UINT32_MAX, "0 lifts the cap");
	const char *c[] = {"ntfslinks", "--format", "dot", "--graph", "suspicious", "--graph-nodes", "250", "x", NULL};
	cr_assert_eq(parse(&o, msg, c), 0, "%s", msg);
	cr_assert_not(o.graph_all);
	cr_assert_eq(o.graph_nodes, 250);
	const char *d[] = {"ntfslinks", "--graph", "all", "x", NULL}; /* not a dot graph */
	cr_assert_eq(parse(&o, msg, d), -1);
	cr_assert(strstr(msg, "--format dot"), "%s", msg);
	const char *e[] = {"ntfslinks", "--format", "dot", "--graph", "everything", "x", NULL};
	cr_assert_eq(parse(&o, msg, e), -1);
	const char *f[] = {"ntfslinks", "--format", "dot", "--graph-nodes", "many", "x", NULL};
	cr_assert_eq(parse(&o, msg, f), -1);
}
