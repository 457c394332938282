/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Phase timers for finding where the time goes (bench/RESULTS.md): off unless the environment sets
 * NTFSLINKS_PROFILE, then each phase's wall and process CPU time is written to stderr when the program
 * ends. Never changes the report. Thread-safe to call from the thread that runs the phases.
 */
#ifndef NTFSLINKS_PROFILE_H
#define NTFSLINKS_PROFILE_H

#include <stdint.h>

/* Ends the phase running since the last mark (or program start) and names it; no-op when profiling is off. */
void profile_mark(const char *phase);

/* Adds n to the counter shown with the next profile_mark's line (e.g. records scanned), for ns per item. */
void profile_count(uint64_t n);

/* Notes the bytes a table of the model holds (for the per-record costs in bench/RESULTS.md), shown with
 * per_record = bytes / records at exit; no-op when profiling is off. */
void profile_table(const char *table, uint64_t bytes, uint64_t records);

/* Notes a job that ran beside the phases (on a thread of its own) and its wall time, shown after the phases. */
void profile_beside(const char *job, double wall_ms);

#endif
