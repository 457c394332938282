/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "anomaly.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void anomaly_list_init(anomaly_list *l)
{
	vec_init(&l->items, sizeof(anomaly));
	l->text = (arena){0};
}

void anomaly_add(anomaly_list *l, const char *type, uint64_t record, const char *fmt, ...)
{
	char buf[2 * NTFS_ERROR_REASON_MAX]; /* a detail wraps at most one error reason */
	va_list ap;
	va_start(ap, fmt);
	size_t n = ntfs_text_vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	size_t off = arena_add(&l->text, buf, n);
	if (off == SIZE_MAX)
		return;
	anomaly *a = vec_push(&l->items);
	if (!a)
		return;
	a->type = type;
	a->record = record;
	a->detail = off;
}

const char *anomaly_detail(const anomaly_list *l, const anomaly *a)
{
	return l->text.data + a->detail;
}

/* Orders by record, then by insertion (the detail offset grows with insertion), so output is stable. */
static int anomaly_cmp(const void *pa, const void *pb)
{
	const anomaly *a = pa, *b = pb;
	uint64_t ra = a->record == ANOMALY_NO_RECORD ? 0 : a->record + 1;
	uint64_t rb = b->record == ANOMALY_NO_RECORD ? 0 : b->record + 1;
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return a->detail < b->detail ? -1 : a->detail > b->detail;
}

void anomaly_list_sort(anomaly_list *l)
{
	vec_sort(&l->items, anomaly_cmp);
}

void anomaly_list_move(anomaly_list *dst, anomaly_list *src)
{
	for (size_t i = 0; i < src->items.count; i++) {
		const anomaly *an = &VEC_AT(&src->items, anomaly, i);
		anomaly_add(dst, an->type, an->record, "%s", anomaly_detail(src, an));
	}
	anomaly_list_free(src);
	anomaly_list_init(src);
}

void anomaly_list_free(anomaly_list *l)
{
	vec_free(&l->items);
	arena_free(&l->text);
}
