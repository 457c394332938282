/* SPDX-License-Identifier: Apache-2.0 */
/* ntfslinks: command-line entry point. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "options.h"

int main(int argc, char **argv)
{
	options opts;
	char msg[256];

	if (options_parse(argc, argv, &opts, msg, sizeof(msg))) {
		fprintf(stderr, "ntfslinks: %s\nTry 'ntfslinks --help' for more information.\n", msg);
		return 1;
	}
	if (opts.help) {
		options_usage(stdout);
		return 0;
	}
	if (opts.version) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, "ntfslinks: %s: the analyzer is not built yet\n", opts.image);
	return 2;
}
