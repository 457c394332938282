/* SPDX-License-Identifier: Apache-2.0 */
#ifndef NTFSLINKS_PAR_H
#define NTFSLINKS_PAR_H

/*
 * Work spread over threads, the one way the engine does it.
 *
 * par_run: items 0..nitems-1, each given to fn once, taken in turn by up to nthreads threads (the caller is one
 * of them), so a thread that finishes early takes the next item. fn writes only its item's own result (and its
 * thread's own scratch, by the thread number it is given); the caller merges the results in item order once
 * par_run returns, so what it makes is the same for any number of threads. A thread that cannot start leaves
 * its items to the others (at worst the caller does them all).
 *
 * par_task: one job run beside the caller (on the caller's thread, at start, when no thread can start); the
 * caller joins it before it reads what the job writes.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define PAR_MAX_THREADS 64

/* fn's work on item (0..nitems-1), run on thread number thread (0..nthreads-1; 0 is the caller). */
typedef void (*par_fn)(void *ctx, size_t item, int thread);

/* Threads for a pass: requested (> 0), else one per online core, within 1..max (max <= PAR_MAX_THREADS). */
int par_threads(int requested, int max);

/* Runs fn on every item on up to nthreads threads (fewer when there are fewer items); returns when all are done. */
void par_run(int nthreads, size_t nitems, par_fn fn, void *ctx);

typedef struct {
	pthread_t tid;
	bool started;             /* on a thread of its own (else it ran at start) */
	bool running;             /* started and not joined yet */
	void (*fn)(void *);
	void *arg;
} par_task;

/* Starts fn(arg) beside the caller; runs it at once on the caller's thread when no thread can start. */
void par_task_start(par_task *t, void (*fn)(void *), void *arg);

/* Waits for the task (nothing when it ran at start or was joined already). */
void par_task_join(par_task *t);

#endif
