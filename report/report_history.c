/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "report_history.h"

#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "le.h"
#include "usn_record.h"

json_t *history_time_json(uint64_t ft)
{
	char buf[40];
	if (!ft)
		return json_null();
	json_out_format_filetime(ft, buf);
	return json_string(buf);
}

/* The name of reason bit b ("HARD_LINK_CHANGE"), or its hex value when unknown. */
static const char *reason_name(int b, char *buf, size_t cap)
{
	const char *n = ntfs_usn_reason_name(1u << b);
	if (n)
		return n;
	snprintf(buf, cap, "0x%08x", 1u << b);
	return buf;
}

void history_reasons_text(uint32_t reason, const char *sep, char *buf, size_t cap)
{
	size_t n = 0;
	char hex[16];
	buf[0] = '\0';
	for (int b = 0; b < USN_REASON_BITS && n < cap; b++)
		if (reason & (1u << b)) {
			int w = snprintf(buf + n, cap - n, "%s%s", n ? sep : "", reason_name(b, hex, sizeof(hex)));
			if (w < 0)
				break;
			n += (size_t)w;
		}
}

/* A signed integer (a USN read from an extract may be anything). */
static void write_i64(json_out *o, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)v);
	json_out_raw(o, buf, (size_t)n);
}

/* The reason flags of an event as a JSON array of names, lowest bit first. */
static void write_reasons(json_out *o, uint32_t reason)
{
	char buf[16];
	bool first = true;
	json_out_const(o, "[");
	for (int b = 0; b < USN_REASON_BITS; b++)
		if (reason & (1u << b)) {
			if (!first)
				json_out_const(o, ",");
			first = false;
			json_out_str(o, reason_name(b, buf, sizeof(buf)));
		}
	json_out_const(o, "]");
}

/* One link event. */
static void write_event(json_out *o, const usn_journal *j, const usn_event *e)
{
	json_out_const(o, "{\"usn\":");
	write_i64(o, e->usn);
	json_out_const(o, ",\"time\":");
	json_out_filetime(o, e->time);
	json_out_const(o, ",\"record\":");
	json_out_u64(o, ntfs_ref_record(e->file_ref));
	json_out_const(o, ",\"sequence\":");
	json_out_u64(o, ntfs_ref_sequence(e->file_ref));
	json_out_const(o, ",\"parent_record\":");
	json_out_u64(o, ntfs_ref_record(e->parent_ref));
	json_out_const(o, ",\"parent_sequence\":");
	json_out_u64(o, ntfs_ref_sequence(e->parent_ref));
	json_out_const(o, ",\"name\":");
	json_out_str(o, usn_event_name(j, e));
	json_out_const(o, ",\"reasons\":");
	write_reasons(o, e->reason);
	json_out_const(o, ",\"path\":");
	json_out_str(o, usn_event_path(j, e));
	json_out_const(o, ",\"parent_state\":");
	json_out_str(o, usn_parent_state_name((usn_parent_state)e->parent_state));
	json_out_const(o, ",\"parent_reused\":");
	json_out_lit(o, e->parent_state == USN_PARENT_REUSED ? "true" : "false");
	json_out_const(o, ",\"version\":");
	json_out_u64(o, e->major);
	json_out_const(o, "}");
}

void history_usn_write(json_out *o, const usn_journal *j, bool events)
{
	static const char *const keys[] = {"{\"source\":", ",\"complete\":", ",\"stream_size\":", ",\"bytes_read\":",
					   ",\"damaged_bytes\":", ",\"events_total\":", ",\"by_reason\":{"};
	char buf[16];
	if (!j->present) {
		json_out_const(o, "null");
		return;
	}
	json_out_lit(o, keys[0]);
	json_out_str(o, j->source);
	json_out_lit(o, keys[1]);
	json_out_lit(o, j->complete ? "true" : "false");
	json_out_lit(o, keys[2]);
	json_out_u64(o, j->stream_size);
	json_out_lit(o, keys[3]);
	json_out_u64(o, j->bytes_read);
	json_out_lit(o, keys[4]);
	json_out_u64(o, j->damaged_bytes);
	json_out_lit(o, keys[5]);
	json_out_u64(o, j->events_total);
	json_out_lit(o, keys[6]);
	bool first = true;
	for (int b = 0; b < USN_REASON_BITS; b++)
		if (j->by_reason[b]) {
			if (!first)
				json_out_const(o, ",");
			first = false;
			json_out_str(o, reason_name(b, buf, sizeof(buf)));
			json_out_const(o, ":");
			json_out_u64(o, j->by_reason[b]);
		}
	json_out_const(o, "},\"link_events\":[");
	for (size_t i = 0; events && i < j->events.count; i++) {
		if (i)
			json_out_const(o, ",");
		write_event(o, j, &VEC_AT(&j->events, usn_event, i));
	}
	json_out_const(o, "]}");
}
