/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "profile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROFILE_MAX 64

typedef struct {
	const char *name;
	double wall, cpu;
	uint64_t count;
	double rss, hwm;   /* MiB at the phase's (last) end: resident now, and the peak so far */
} profile_phase;

static struct {
	int on;            /* 0 unknown, 1 on, -1 off */
	bool registered;
	struct timespec wall0, cpu0;
	uint64_t count;
	size_t n;
	profile_phase ph[PROFILE_MAX];
	size_t nbeside;
	struct {
		const char *name;
		double wall_ms;
	} beside[PROFILE_MAX];
	size_t ntables;
	struct {
		const char *name;
		uint64_t bytes, records;
	} tables[PROFILE_MAX];
} prof;

/* Seconds from a to b. */
static double profile_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Reads the process's resident set (VmRSS) and its peak so far (VmHWM), in MiB, from /proc/self/status. */
static void profile_rss(double *rss, double *hwm)
{
	*rss = *hwm = 0;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return;
	char line[256];
	unsigned long kb;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmRSS: %lu kB", &kb) == 1)
			*rss = (double)kb / 1024.0;
		else if (sscanf(line, "VmHWM: %lu kB", &kb) == 1)
			*hwm = (double)kb / 1024.0;
	}
	fclose(f);
}

/* Writes the table of phases to stderr (atexit). */
static void profile_report(void)
{
	double wall = 0, cpu = 0;
	fprintf(stderr, "ntfslinks profile: phase, wall ms, CPU ms (all threads), RSS MiB at its end, peak RSS MiB so far, "
			"items, CPU ns per item\n");
	for (size_t i = 0; i < prof.n; i++) {
		profile_phase *p = &prof.ph[i];
		wall += p->wall;
		cpu += p->cpu;
		if (p->count)
			fprintf(stderr, "  %-22s %9.1f %9.1f %8.1f %8.1f %10llu %8.1f\n", p->name, p->wall * 1e3, p->cpu * 1e3,
				p->rss, p->hwm, (unsigned long long)p->count, p->cpu * 1e9 / (double)p->count);
		else
			fprintf(stderr, "  %-22s %9.1f %9.1f %8.1f %8.1f\n", p->name, p->wall * 1e3, p->cpu * 1e3, p->rss,
				p->hwm);
	}
	fprintf(stderr, "  %-22s %9.1f %9.1f\n", "total", wall * 1e3, cpu * 1e3);
	if (prof.nbeside)
		fprintf(stderr, "ntfslinks profile: beside the phases (own thread), wall ms\n");
	for (size_t i = 0; i < prof.nbeside; i++)
		fprintf(stderr, "  %-22s %9.1f\n", prof.beside[i].name, prof.beside[i].wall_ms);
	if (prof.ntables)
		fprintf(stderr, "ntfslinks profile: table, MiB, bytes per MFT record\n");
	for (size_t i = 0; i < prof.ntables; i++)
		fprintf(stderr, "  %-22s %9.1f %8.1f\n", prof.tables[i].name, (double)prof.tables[i].bytes / 1048576.0,
			prof.tables[i].records ? (double)prof.tables[i].bytes / (double)prof.tables[i].records : 0.0);
}

/* True when NTFSLINKS_PROFILE is set (decided once, starting the clocks). */
static bool profile_on(void)
{
	if (prof.on == 0) {
		const char *v = getenv("NTFSLINKS_PROFILE");
		prof.on = v && *v && *v != '0' ? 1 : -1;
		if (prof.on > 0) {
			clock_gettime(CLOCK_MONOTONIC, &prof.wall0);
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &prof.cpu0);
		}
	}
	return prof.on > 0;
}

void profile_count(uint64_t n)
{
	if (profile_on())
		prof.count += n;
}

void profile_table(const char *table, uint64_t bytes, uint64_t records)
{
	if (!profile_on() || prof.ntables >= PROFILE_MAX)
		return;
	prof.tables[prof.ntables].name = table;
	prof.tables[prof.ntables].bytes = bytes;
	prof.tables[prof.ntables].records = records;
	prof.ntables++;
}

void profile_beside(const char *job, double wall_ms)
{
	if (!profile_on() || prof.nbeside >= PROFILE_MAX)
		return;
	prof.beside[prof.nbeside].name = job;
	prof.beside[prof.nbeside].wall_ms = wall_ms;
	prof.nbeside++;
}

void profile_mark(const char *phase)
{
	if (!profile_on())
		return;
	struct timespec w, c;
	clock_gettime(CLOCK_MONOTONIC, &w);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	if (prof.n < PROFILE_MAX) {
		/* a phase seen before (one per volume) adds up */
		profile_phase *p = NULL;
		for (size_t i = 0; i < prof.n && !p; i++)
			if (!strcmp(prof.ph[i].name, phase))
				p = &prof.ph[i];
		if (!p) {
			p = &prof.ph[prof.n++];
			p->name = phase;
		}
		p->wall += profile_diff(&prof.wall0, &w);
		p->cpu += profile_diff(&prof.cpu0, &c);
		p->count += prof.count;
		profile_rss(&p->rss, &p->hwm);
	}
	prof.count = 0;
	prof.wall0 = w;
	prof.cpu0 = c;
	if (!prof.registered) {
		prof.registered = true;
		atexit(profile_report);
	}
}
