/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "options.h"
#include "report_only.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_FORMAT = 256, OPT_OFFSET, OPT_PARTITION, OPT_DRIVE, OPT_THREADS, OPT_VERSION, OPT_DU, OPT_DU_DEPTH,
       OPT_DRIVE_PREFIX, OPT_USN, OPT_BASELINE, OPT_NO_BASELINE, OPT_NO_VSS, OPT_VSS_FULL, OPT_VERIFY,
       OPT_ONLY, OPT_ALL, OPT_GRAPH, OPT_GRAPH_NODES };

/* Fills msg and returns -1, so each usage error is one line at its call site. */
static int usage_error(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int usage_error(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
	return -1;
}

/* Parses a non-negative decimal integer, or hex with an explicit 0x, without accepting trailing junk, signs
 * or spaces. A leading 0 is decimal: "0100000" is 100000, never octal. */
static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (hex && !isxdigit((unsigned char)s[2]))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Parses "X=N" (drive letter X had volume N); the letter is stored upper-case. */
static int parse_drive(const char *s, drive_mapping *out)
{
	uint64_t n;
	if (!s || !isalpha((unsigned char)s[0]) || s[1] != '=' || parse_u64(s + 2, &n) || n > 1000)
		return -1;
	out->letter = (char)toupper((unsigned char)s[0]);
	out->volume = (int)n;
	return 0;
}

/* The newest --drive (drives[drive_count]) against the earlier ones: one letter per volume, one volume per
 * letter. Returns -1 with the message, or 0. */
static int drive_conflict(const options *opts, char *msg, size_t cap)
{
	const drive_mapping *d = &opts->drives[opts->drive_count];
	for (int i = 0; i < opts->drive_count; i++) {
		const drive_mapping *e = &opts->drives[i];
		if (e->letter == d->letter)
			return usage_error(msg, cap, "--drive %c=%d and --drive %c=%d: drive %c: can be on one volume only",
					   e->letter, e->volume, d->letter, d->volume, d->letter);
		if (e->volume == d->volume)
			return usage_error(msg, cap, "--drive %c=%d and --drive %c=%d: volume %d can have one drive letter only",
					   e->letter, e->volume, d->letter, d->volume, d->volume);
	}
	return 0;
}

void options_usage(FILE *f)
{
	fputs("Usage: ntfslinks [OPTIONS] IMAGE\n"
	      "Analyse the hard links and reparse points (junctions, symbolic links, ...) of every NTFS\n"
	      "volume in a forensic image, read-only, and write a JSON report.\n"
	      "\n"
	      "IMAGE is a raw or split raw image (.dd, .img, .001), an E01 (give the first segment),\n"
	      "a VHD, VHDX, VMDK or qcow virtual disk (recognised by content; a differencing disk's\n"
	      "parents and a VMDK's extent files are read from beside it), a whole disk (MBR or GPT),\n"
	      "a bare NTFS volume, or an extracted $MFT file.\n"
	      "\n"
	      "Output:\n"
	      "  -o, --output FILE    write the report to FILE (- or none: standard output). Checked before the\n"
	      "                       scan: never an image segment, a block device, a file system on the\n"
	      "                       evidence device, or a character device but /dev/null and terminals\n"
	      "      --format FMT     json     one JSON document (the default when output is not a terminal)\n"
	      "                       ndjson   one JSON object per line, for pipelines\n"
	      "                       text     a summary for people (the default on a terminal without -o)\n"
	      "                       bodyfile TSK bodyfile for mactime, link targets appended as -> target\n"
	      "                       dot      Graphviz graph of the links (render with dot -Tsvg)\n"
	      "                       timesketch  JSONL for Timesketch: one line per time of every link\n"
	      "                       csv      one row per link name and reparse point (RFC 4180)\n"
	      "                       html     a self-contained case report for a browser (tables that\n"
	      "                                sort and filter, istat commands, the link graph); its\n"
	      "                                SHA-256 goes to standard error and, with -o FILE, to\n"
	      "                                FILE.sha256 (sha256sum -c checks it)\n"
	      "                       (format names in any case: JSON, Json and json alike)\n"
	      "      --drive-prefix X: prefix bodyfile names with a drive letter, as fls -m does (only with\n"
	      "                       --format bodyfile: elsewhere a usage error)\n"
	      "      --only LIST      write only these lists, in every format (comma list, repeatable: a union):\n"
	      "                       stale (links whose target needs attention), links (every reparse\n"
	      "                       point and POSIX link), sets (hard-link sets), findings; anomalies and\n"
	      "                       history are left out, the volume's stats and the exit status are not\n"
	      "      --all            the text view lists everything (it otherwise cuts long lists, saying\n"
	      "                       how many are left and the command that shows them)\n"
	      "      --graph SCOPE    dot: suspicious (the default: stale links and the records of findings)\n"
	      "                       or all (every link and hard-link set)\n"
	      "      --graph-nodes N  dot: draw at most N nodes (default 1000; 0: no cap); a note node in the\n"
	      "                       graph counts what was left out\n"
	      "  -q, --quiet          no progress or summary on standard error (a partial scan still\n"
	      "                       prints its one warning line)\n"
	      "\n"
	      "Sizes:\n"
	      "      --du [PATH]      link-aware sizes of directory PATH (default \\) and its subdirectories,\n"
	      "                       depth first: bytes over all names, over distinct files, shared with\n"
	      "                       files outside, and on disk (compressed, sparse, WOF files take less).\n"
	      "                       PATH as \\Windows, /Windows, C:\\Windows or Windows; junctions on it are\n"
	      "                       followed (with a note); a PATH on no volume is a usage error\n"
	      "      --du-depth N     levels of subdirectories to size below PATH (default 1)\n"
	      "\n"
	      "History:\n"
	      "      --usn FILE       read the change journal from FILE, an extracted $UsnJrnl:$J, instead of\n"
	      "                       the volume's own (with an extracted $MFT: ntfslinks '$MFT' --usn '$J';\n"
	      "                       an image of several volumes needs --partition)\n"
	      "      --no-vss         do not look for Volume Shadow Copy stores (each store is otherwise\n"
	      "                       scanned as a volume and its links compared with the live volume's)\n"
	      "      --vss-full       also write each store's own hard-link sets and reparse points\n"
	      "\n"
	      "Findings (the link tricks attackers use; normal Windows links are kept quiet):\n"
	      "      --baseline FILE  also keep quiet what FILE's patterns describe (JSON: see the manual)\n"
	      "      --no-baseline    report every finding, the built-in baseline of normal links too\n"
	      "\n"
	      "Evidence:\n"
	      "      --verify         E01 only: hash the whole media (MD5 and SHA1) and compare with the\n"
	      "                       hashes the E01 stores (image.ewf.verified; a mismatch is a warning)\n"
	      "\n"
	      "Volumes:\n"
	      "      --offset BYTES   analyse only the NTFS volume starting at this byte offset: decimal, or\n"
	      "                       hex with 0x (a leading 0 is decimal, never octal); the volume keeps\n"
	      "                       its number (a volume in no partition table gets the next free one)\n"
	      "      --partition N    analyse only volume N (as numbered in the report, the same in every run)\n"
	      "      --drive X=N      volume N had drive letter X (repeatable: one letter per volume, one\n"
	      "                       volume per letter, N a volume of the image); resolves X:\\ targets\n"
	      "\n"
	      "Performance:\n"
	      "      --threads N      parse records with N threads (default: one per core)\n"
	      "\n"
	      "  -h, --help           show this help and exit\n"
	      "  -V, --version        show the version and exit\n"
	      "\n"
	      "The text view is as wide as COLUMNS, else the terminal; 100 columns when neither is known.\n"
	      "\n"
	      "Exit status: 0 complete, 1 usage error (no report), 2 image unreadable or no NTFS volume\n"
	      "(no report), 3 partial scan: the report is written, but records or volumes were not read\n"
	      "(read or checksum errors, image cut short, Ctrl-C); one warning line says so, even with -q.\n",
	      f);
}

int options_parse(int argc, char **argv, options *opts, char *msg, size_t cap)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"offset", required_argument, NULL, OPT_OFFSET},
		{"partition", required_argument, NULL, OPT_PARTITION},
		{"drive", required_argument, NULL, OPT_DRIVE},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"du", optional_argument, NULL, OPT_DU},
		{"du-depth", required_argument, NULL, OPT_DU_DEPTH},
		{"no-vss", no_argument, NULL, OPT_NO_VSS},
		{"vss-full", no_argument, NULL, OPT_VSS_FULL},
		{"drive-prefix", required_argument, NULL, OPT_DRIVE_PREFIX},
		{"usn", required_argument, NULL, OPT_USN},
		{"baseline", required_argument, NULL, OPT_BASELINE},
		{"no-baseline", no_argument, NULL, OPT_NO_BASELINE},
		{"verify", no_argument, NULL, OPT_VERIFY},
		{"only", required_argument, NULL, OPT_ONLY},
		{"all", no_argument, NULL, OPT_ALL},
		{"graph", required_argument, NULL, OPT_GRAPH},
		{"graph-nodes", required_argument, NULL, OPT_GRAPH_NODES},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	uint64_t n;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->partition = -1;
	opts->du_depth = OPTIONS_DU_DEPTH_DEFAULT;
	msg[0] = '\0';
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return usage_error(msg, cap, "-o needs a file name (got an empty one)");
			opts->output = strcmp(optarg, "-") ? optarg : NULL; /* -o -: standard output, as without -o */
			break;
		case OPT_FORMAT:
			if (report_format_parse(optarg, &opts->format))
				return usage_error(msg, cap, "unknown --format '%s' (json, ndjson, text, bodyfile, dot, timesketch, csv or html; any case)",
						   optarg);
			opts->format_given = true;
			break;
		case OPT_DU:
			opts->du = true;
			opts->du_path = optarg;
			break;
		case OPT_NO_VSS:
			opts->no_vss = true;
			break;
		case OPT_VSS_FULL:
			opts->vss_full = true;
			break;
		case OPT_DU_DEPTH:
			if (parse_u64(optarg, &n) || n > 64)
				return usage_error(msg, cap, "--du-depth needs a number from 0 to 64, not '%s'", optarg);
			opts->du_depth = (int)n;
			opts->du = true;
			break;
		case OPT_USN:
			if (!*optarg)
				return usage_error(msg, cap, "--usn needs a file name (got an empty one)");
			opts->usn_file = optarg;
			break;
		case OPT_DRIVE_PREFIX:
			if (!isalpha((unsigned char)optarg[0]) || optarg[1] != ':' || optarg[2])
				return usage_error(msg, cap, "--drive-prefix needs a drive like C:, not '%s'", optarg);
			opts->drive_prefix = optarg;
			break;
		case OPT_BASELINE:
			if (!*optarg)
				return usage_error(msg, cap, "--baseline needs a file name (got an empty one)");
			opts->baseline = optarg;
			break;
		case OPT_NO_BASELINE:
			opts->no_baseline = true;
			break;
		case OPT_VERIFY:
			opts->verify = true;
			break;
		case OPT_ONLY:
			if (report_only_parse(optarg, &opts->only))
				return usage_error(msg, cap, "unknown --only '%s' (stale, findings, links or sets; a comma list)", optarg);
			break;
		case OPT_ALL:
			opts->all = true;
			break;
		case OPT_GRAPH:
			if (strcmp(optarg, "all") && strcmp(optarg, "suspicious"))
				return usage_error(msg, cap, "--graph needs suspicious or all, not '%s'", optarg);
			opts->graph_all = !strcmp(optarg, "all");
			opts->graph_given = true;
			break;
		case OPT_GRAPH_NODES:
			if (parse_u64(optarg, &n) || n > 10000000)
				return usage_error(msg, cap, "--graph-nodes needs a number from 0 (no cap) to 10000000, not '%s'", optarg);
			opts->graph_nodes = n ? (uint32_t)n : UINT32_MAX;
			opts->graph_given = true;
			break;
		case OPT_OFFSET:
			if (parse_u64(optarg, &opts->offset))
				return usage_error(msg, cap, "--offset needs a byte count, not '%s'", optarg);
			opts->have_offset = true;
			break;
		case OPT_PARTITION:
			if (parse_u64(optarg, &n) || n > 1000)
				return usage_error(msg, cap, "--partition needs a volume number, not '%s'", optarg);
			opts->partition = (int)n;
			break;
		case OPT_DRIVE:
			if (opts->drive_count >= OPTIONS_MAX_DRIVES)
				return usage_error(msg, cap, "too many --drive options");
			if (parse_drive(optarg, &opts->drives[opts->drive_count]))
				return usage_error(msg, cap, "--drive needs LETTER=VOLUME (e.g. C=0), not '%s'", optarg);
			if (drive_conflict(opts, msg, cap))
				return -1;
			opts->drive_count++;
			break;
		case OPT_THREADS:
			if (parse_u64(optarg, &n) || n < 1 || n > 256)
				return usage_error(msg, cap, "--threads needs a number from 1 to 256, not '%s'", optarg);
			opts->threads = (int)n;
			break;
		case 'q':
			opts->quiet = true;
			break;
		case 'h':
			opts->help = true;
			return 0;
		case 'V':
			opts->version = true;
			return 0;
		default:
			if (optopt && optopt < 256)
				return usage_error(msg, cap, "unknown or incomplete option '-%c'", optopt);
			return usage_error(msg, cap, "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (opts->graph_given && opts->format != REPORT_DOT)
		return usage_error(msg, cap, "--graph and --graph-nodes shape the dot graph: they need --format dot");
	if (opts->baseline && opts->no_baseline)
		return usage_error(msg, cap, "--baseline and --no-baseline contradict each other: give one");
	if (opts->drive_prefix && !(opts->format_given && opts->format == REPORT_BODYFILE))
		return usage_error(msg, cap, "--drive-prefix only applies to --format bodyfile");
	if (opts->have_offset && opts->partition >= 0)
		return usage_error(msg, cap, "--offset and --partition pick a volume two ways: give one");
	/* "--du PATH IMAGE": getopt cannot take an optional argument after a space, so take it here; only when
	   two operands are left (PATH in any form: \Windows, /Windows, C:\Windows, Windows), so the image, the
	   last operand, is never taken for the path */
	if (opts->du && !opts->du_path && optind + 2 == argc)
		opts->du_path = argv[optind++];
	if (optind >= argc)
		return usage_error(msg, cap, "no image given");
	if (!argv[optind][0])
		return usage_error(msg, cap, "the image path is empty");
	if (optind + 1 < argc)
		return usage_error(msg, cap, "one image at a time (got '%s' after '%s')", argv[optind + 1], argv[optind]);
	opts->image = argv[optind];
	return 0;
}
