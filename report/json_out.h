/* SPDX-License-Identifier: Apache-2.0 */
/* A small buffered JSON emitter for the report's hot items (names, sets): jansson builds and frees a
 * DOM per object, which cost more than the whole MFT scan on a 100,000-record volume.
 * Threads: one json_out per thread (the parallel writers each have their own, over their own FILE). */
#ifndef NTFSLINKS_JSON_OUT_H
#define NTFSLINKS_JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define JSON_OUT_BUF (64u << 10)

typedef struct {
	FILE *f;                  /* NULL: the output collects in mem (json_out_init_mem) */
	char *mem;                /* the memory output, mem_len bytes of it (its capacity kept by json_out_mem_reset) */
	size_t mem_len, mem_cap;
	char *out;                /* where appends go: own (to f) or, in memory, mem itself (no second copy) */
	size_t cap;               /* out's size */
	size_t len;               /* bytes in out */
	uint64_t flushed;         /* bytes handed to f, or dropped from mem by json_out_mem_reset (json_out_tell) */
	bool failed;              /* a write to f failed */
	uint64_t time_secs;       /* the last FILETIME second formatted, and its text up to the fraction: */
	char time_head[32];       /* names of one set often share their second */
	size_t time_head_len;
	char own[JSON_OUT_BUF];   /* the buffer in front of f */
} json_out;

/* Starts writing to f. */
void json_out_init(json_out *o, FILE *f);

/* Starts writing to memory (o->mem, o->mem_len after json_out_flush); json_out_mem_free releases it. */
void json_out_init_mem(json_out *o);

/* Empties the memory output, keeping its allocation. */
void json_out_mem_reset(json_out *o);

/* Releases the memory output. */
void json_out_mem_free(json_out *o);

/* Writes the buffer to the file; returns -1 when writing failed at any point. */
int json_out_flush(json_out *o);

/* How many bytes were appended since json_out_init. */
static inline uint64_t json_out_tell(const json_out *o)
{
	return o->flushed + o->len;
}

/* Appends raw bytes that do not fit the buffer's free space (flushes first; in memory: makes room). */
void json_out_raw_slow(json_out *o, const char *s, size_t n);

/* Appends raw bytes (already JSON); inline because it runs a dozen times per name. */
static inline void json_out_raw(json_out *o, const char *s, size_t n)
{
	if (n <= o->cap - o->len) {
		if (n > 16) {
			memcpy(o->out + o->len, s, n);
		} else {
			for (size_t i = 0; i < n; i++) /* short runs: a loop beats a memcpy call */
				o->out[o->len + i] = s[i];
		}
		o->len += n;
	} else {
		json_out_raw_slow(o, s, n);
	}
}

/* Appends a string literal (already JSON) without measuring it at run time. */
#define json_out_const(o, lit) json_out_raw((o), (lit), sizeof(lit) - 1)

/* Appends a NUL-terminated raw string (already JSON). */
void json_out_lit(json_out *o, const char *s);

/* Appends s as a JSON string: quotes, escapes, and \xNN for bytes that are not valid UTF-8;
 * NULL writes null. Same text as jansson's compact output for valid UTF-8. */
void json_out_str(json_out *o, const char *s);

/* Same for a string of known length. */
void json_out_strn(json_out *o, const char *s, size_t n);

/*
 * Appends s as jansson's writers wrote it through report.c's jstr: valid UTF-8 as json_out_str; otherwise
 * every byte from 0x80 up (valid sequences too) as the text \xNN. NULL writes null.
 */
void json_out_jstr(json_out *o, const char *s);

/* Appends a signed integer. */
void json_out_i64(json_out *o, int64_t v);

/* Appends true or false. */
static inline void json_out_bool(json_out *o, bool v)
{
	if (v)
		json_out_raw(o, "true", 4);
	else
		json_out_raw(o, "false", 5);
}

/* Appends an unsigned integer. */
void json_out_u64(json_out *o, uint64_t v);

/* Appends v when has, else null. */
void json_out_u64_or_null(json_out *o, bool has, uint64_t v);

/* Appends v when has, else null. */
void json_out_i64_or_null(json_out *o, bool has, int64_t v);

/* Appends prefix (plain ASCII) and v as 8 hex digits, upper or lower case, as a JSON string:
 * ("0x", false) gives "0x0000a003", ("", true) gives "A3F0001B". */
void json_out_hex32(json_out *o, uint32_t v, const char *prefix, bool upper);

/* json_out_hex32 when has, else null. */
void json_out_hex32_or_null(json_out *o, bool has, uint32_t v, const char *prefix, bool upper);

/* Appends a FILETIME as an ISO 8601 string, or null when it is 0. */
void json_out_filetime(json_out *o, uint64_t ft);

/* Callback for jansson's json_dump_callback, so jansson's output goes through the same buffer. */
int json_out_jansson_cb(const char *buffer, size_t size, void *data);

/* Formats a FILETIME as ISO 8601 UTC with 100 ns digits into buf (at least 32 bytes); returns the length. */
size_t json_out_format_filetime(uint64_t ft, char *buf);

#endif
