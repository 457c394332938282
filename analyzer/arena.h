/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Growable byte arenas and arrays: a million names cost a few large allocations, not a million small ones.
 * Threads: none of their own; an arena or vec is read by any number of threads, or written by one with no
 * reader (a push or add may move the memory).
 */
#ifndef NTFSLINKS_ARENA_H
#define NTFSLINKS_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>

/* A growable byte buffer; offsets into it stay valid when it grows (pointers do not). */
typedef struct {
	char *data;
	size_t len;
	size_t cap;
} arena;

/* Appends n bytes and a NUL; returns the offset of the copy, or SIZE_MAX when memory runs out. */
size_t arena_add(arena *a, const void *src, size_t n);

/* Reserves n bytes at the end and returns a pointer to them (valid until the next add), or NULL. */
void *arena_reserve(arena *a, size_t n);

/* Makes room for at least cap bytes in total without using any; returns 0 or -1. */
int arena_reserve_cap(arena *a, size_t cap);

/* Releases the arena's memory. */
void arena_free(arena *a);

/* A growable array of fixed-size elements. */
typedef struct {
	void *data;
	size_t count;
	size_t cap;
	size_t elem;
} vec;

/* Prepares an empty array of elements of elem_size bytes. */
void vec_init(vec *v, size_t elem_size);

/* vec_push when the array is full: grows it first. */
void *vec_push_grow(vec *v);

/* Appends one zeroed element and returns it (valid until the next push), or NULL when memory runs out.
 * Inline: the scan pushes several per record. */
static inline void *vec_push(vec *v)
{
	if (v->count == v->cap)
		return vec_push_grow(v);
	char *p = (char *)v->data + v->count * v->elem;
	memset(p, 0, v->elem);
	v->count++;
	return p;
}

/* Appends one zeroed element to each of a and b, or to neither (false: memory ran out); *pa and *pb point at
 * them (valid until the next push). For the tables kept in pairs, an entry and its key. */
static inline bool vec_push_pair(vec *a, vec *b, void **pa, void **pb)
{
	*pa = vec_push(a);
	*pb = *pa ? vec_push(b) : NULL;
	if (*pb)
		return true;
	if (*pa)
		a->count--;
	return false;
}

/* Makes room for at least n elements in total; returns 0 or -1. */
int vec_reserve(vec *v, size_t n);

/* Appends all elements of src (same element size); returns 0 or -1. */
int vec_append(vec *v, const vec *src);

/* Sorts the elements with cmp (qsort's contract); an empty or one-element array is left alone (an empty
 * vec's data is NULL, and qsort(NULL, 0, ...) is undefined). */
void vec_sort(vec *v, int (*cmp)(const void *, const void *));

/* Sorts elements [from, count) with cmp, as vec_sort does. */
void vec_sort_from(vec *v, size_t from, int (*cmp)(const void *, const void *));

/* Releases the array's memory. */
void vec_free(vec *v);

/* Advises the kernel to back a large block from malloc with huge pages (no effect below a few MiB, or on a block
 * inside the heap): the whole mapping, so realloc can still move it with mremap instead of copying it. */
void arena_advise_huge(void *p, size_t len);

/*
 * Gives back to the system the pages of block p (a mapping of its own, as arena_advise_huge advises; any other
 * block is left alone) past its first `used` bytes: a table that is done growing keeps the last huge page it
 * touched whole, up to 2 MiB past its end. The block stays the caller's; bytes past `used` read as zero after.
 */
void arena_release_tail(void *p, size_t used);

/* arena_release_tail of the bytes past v's elements. */
void vec_release_tail(vec *v);

/* Element i of v as type T. */
#define VEC_AT(v, T, i) (((T *)(v)->data)[(i)])

#endif
