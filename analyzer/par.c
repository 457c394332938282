/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "par.h"

#include <stdatomic.h>
#include <unistd.h>

int par_threads(int requested, int max)
{
	long n = requested > 0 ? requested : sysconf(_SC_NPROCESSORS_ONLN);
	if (max > PAR_MAX_THREADS)
		max = PAR_MAX_THREADS;
	return n < 1 ? 1 : n > max ? max : (int)n;
}

/* What the threads of one par_run share. */
typedef struct {
	par_fn fn;
	void *ctx;
	size_t nitems;
	_Atomic size_t next;      /* the next item to take */
} par_pool;

/* One thread of a run: its number and the pool. */
typedef struct {
	par_pool *pool;
	int thread;
} par_worker;

/* Thread body: takes items in turn until none is left. */
static void *par_work(void *arg)
{
	par_worker *w = arg;
	par_pool *p = w->pool;
	for (size_t i; (i = atomic_fetch_add(&p->next, 1)) < p->nitems;)
		p->fn(p->ctx, i, w->thread);
	return NULL;
}

void par_run(int nthreads, size_t nitems, par_fn fn, void *ctx)
{
	if (nitems == 0)
		return;
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > PAR_MAX_THREADS)
		nthreads = PAR_MAX_THREADS;
	if ((size_t)nthreads > nitems)
		nthreads = (int)nitems;
	par_pool pool = {.fn = fn, .ctx = ctx, .nitems = nitems};
	atomic_init(&pool.next, 0);
	par_worker ws[PAR_MAX_THREADS];
	pthread_t tid[PAR_MAX_THREADS];
	bool started[PAR_MAX_THREADS] = {false};
	for (int t = 0; t < nthreads; t++)
		ws[t] = (par_worker){.pool = &pool, .thread = t};
	for (int t = 1; t < nthreads; t++)
		started[t] = pthread_create(&tid[t], NULL, par_work, &ws[t]) == 0;
	par_work(&ws[0]);
	for (int t = 1; t < nthreads; t++)
		if (started[t])
			pthread_join(tid[t], NULL);
}

/* Thread body of a task. */
static void *task_body(void *arg)
{
	par_task *t = arg;
	t->fn(t->arg);
	return NULL;
}

void par_task_start(par_task *t, void (*fn)(void *), void *arg)
{
	t->fn = fn;
	t->arg = arg;
	t->started = pthread_create(&t->tid, NULL, task_body, t) == 0;
	t->running = t->started;
	if (!t->started)
		fn(arg);
}

void par_task_join(par_task *t)
{
	if (t->running)
		pthread_join(t->tid, NULL);
	t->running = false;
}
