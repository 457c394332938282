/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "arena.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_MIN (4u << 20)

/*
 * Asks for transparent huge pages on a large table: a million-record model then takes a few hundred page
 * faults instead of tens of thousands. Advice only; nothing depends on it. The advice covers the whole
 * mapping malloc made for the table (from its page to the end of its usable size), never a part of it:
 * advising a part splits the mapping in two or three, and a mapping in pieces cannot be moved by mremap,
 * so glibc's realloc would then copy the table into a new mapping, holding both copies at once (at 10M
 * records a 400 MiB transient). A block inside malloc's heap (not a mapping of its own: its end is not on
 * a page) gets no advice.
 */
void arena_advise_huge(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	if (len < HUGE_MIN)
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)p & ~(page - 1);
	uintptr_t end = (uintptr_t)p + malloc_usable_size(p);
	if (end % page || (uintptr_t)p - start > 64 || end - start < len)
		return;
	madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

void arena_release_tail(void *p, size_t used)
{
#ifdef MADV_DONTNEED
	if (!p)
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)p & ~(page - 1);
	uintptr_t end = (uintptr_t)p + malloc_usable_size(p);
	uintptr_t from = ((uintptr_t)p + used + page - 1) & ~(page - 1);
	if (end % page || (uintptr_t)p - start > 64 || from >= end)
		return; /* inside malloc's heap, or nothing past the used bytes */
	madvise((void *)from, end - from, MADV_DONTNEED);
#else
	(void)p;
	(void)used;
#endif
}

void vec_release_tail(vec *v)
{
	arena_release_tail(v->data, v->count * v->elem);
}

/* Grows a buffer geometrically so appends stay amortised O(1); a first allocation is small (64 bytes, at least
 * 4 elements): tens of thousands of findings and link objects hold a few short vecs each. */
static int grow(void **data, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : elem < 16 ? 64 / elem : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return -1;
		ncap *= 2;
	}
	void *p = realloc(*data, ncap * elem);
	if (!p)
		return -1;
	arena_advise_huge(p, ncap * elem);
	*data = p;
	*cap = ncap;
	return 0;
}

void *arena_reserve(arena *a, size_t n)
{
	if (n > SIZE_MAX - a->len - 1)
		return NULL;
	if (a->len + n + 1 > a->cap && grow((void **)&a->data, &a->cap, a->len + n + 1, 1))
		return NULL;
	void *p = a->data + a->len;
	a->len += n;
	a->data[a->len] = '\0';
	return p;
}

int arena_reserve_cap(arena *a, size_t cap)
{
	if (cap <= a->cap)
		return 0;
	return grow((void **)&a->data, &a->cap, cap, 1);
}

size_t arena_add(arena *a, const void *src, size_t n)
{
	size_t off = a->len;
	char *p = arena_reserve(a, n + 1);
	if (!p)
		return SIZE_MAX;
	memcpy(p, src, n);
	p[n] = '\0';
	return off;
}

void arena_free(arena *a)
{
	free(a->data);
	memset(a, 0, sizeof(*a));
}

void vec_init(vec *v, size_t elem_size)
{
	memset(v, 0, sizeof(*v));
	v->elem = elem_size;
}

int vec_reserve(vec *v, size_t n)
{
	if (n <= v->cap)
		return 0;
	return grow(&v->data, &v->cap, n, v->elem);
}

void *vec_push_grow(vec *v)
{
	if (grow(&v->data, &v->cap, v->count + 1, v->elem))
		return NULL;
	char *p = (char *)v->data + v->count * v->elem;
	memset(p, 0, v->elem);
	v->count++;
	return p;
}

int vec_append(vec *v, const vec *src)
{
	if (!src->count)
		return 0;
	if (vec_reserve(v, v->count + src->count))
		return -1;
	memcpy((char *)v->data + v->count * v->elem, src->data, src->count * src->elem);
	v->count += src->count;
	return 0;
}

void vec_sort(vec *v, int (*cmp)(const void *, const void *))
{
	vec_sort_from(v, 0, cmp);
}

void vec_sort_from(vec *v, size_t from, int (*cmp)(const void *, const void *))
{
	if (v->count > from + 1)
		qsort((char *)v->data + from * v->elem, v->count - from, v->elem, cmp);
}

void vec_free(vec *v)
{
	free(v->data);
	v->data = NULL;
	v->count = v->cap = 0;
}
