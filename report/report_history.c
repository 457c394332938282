/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "report_history.h"

#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "le.h"
#include "usn_record.h"

/* A string that may be NULL or invalid UTF-8, as JSON (null, or the string with bad bytes replaced). */
static json_t *hstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t n = strlen(s); /* not valid UTF-8: keep the bytes visible as \xNN */
	char *buf = malloc(n * 4 + 1), *w = buf;
	if (!buf)
		return json_null();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		w += c < 0x80 ? (size_t)(*w = (char)c, 1) : (size_t)sprintf(w, "\\x%02X", c);
	}
	*w = '\0';
	j = json_string(buf);
	free(buf);
	return j ? j : json_null();
}

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

/* The reason flags of an event as a JSON array of names, lowest bit first. */
static json_t *reasons_json(uint32_t reason)
{
	json_t *a = json_array();
	char buf[16];
	for (int b = 0; b < USN_REASON_BITS; b++)
		if (reason & (1u << b))
			json_array_append_new(a, json_string(reason_name(b, buf, sizeof(buf))));
	return a;
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

/* One link event. */
static json_t *event_json(const usn_journal *j, const usn_event *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "usn", json_integer((json_int_t)e->usn));
	json_object_set_new(o, "time", history_time_json(e->time));
	json_object_set_new(o, "record", json_integer((json_int_t)ntfs_ref_record(e->file_ref)));
	json_object_set_new(o, "sequence", json_integer(ntfs_ref_sequence(e->file_ref)));
	json_object_set_new(o, "parent_record", json_integer((json_int_t)ntfs_ref_record(e->parent_ref)));
	json_object_set_new(o, "parent_sequence", json_integer(ntfs_ref_sequence(e->parent_ref)));
	json_object_set_new(o, "name", hstr(usn_event_name(j, e)));
	json_object_set_new(o, "reasons", reasons_json(e->reason));
	json_object_set_new(o, "path", hstr(usn_event_path(j, e)));
	json_object_set_new(o, "parent_state", json_string(usn_parent_state_name((usn_parent_state)e->parent_state)));
	json_object_set_new(o, "parent_reused", json_boolean(e->parent_state == USN_PARENT_REUSED));
	json_object_set_new(o, "version", json_integer(e->major));
	return o;
}

json_t *history_usn_json(const usn_journal *j)
{
	if (!j->present)
		return json_null();
	json_t *o = json_object(), *by = json_object(), *ev = json_array();
	char buf[16];
	json_object_set_new(o, "source", hstr(j->source));
	json_object_set_new(o, "complete", json_boolean(j->complete));
	json_object_set_new(o, "stream_size", json_integer((json_int_t)j->stream_size));
	json_object_set_new(o, "bytes_read", json_integer((json_int_t)j->bytes_read));
	json_object_set_new(o, "damaged_bytes", json_integer((json_int_t)j->damaged_bytes));
	json_object_set_new(o, "events_total", json_integer((json_int_t)j->events_total));
	for (int b = 0; b < USN_REASON_BITS; b++)
		if (j->by_reason[b])
			json_object_set_new(by, reason_name(b, buf, sizeof(buf)), json_integer((json_int_t)j->by_reason[b]));
	json_object_set_new(o, "by_reason", by);
	for (size_t i = 0; i < j->events.count; i++)
		json_array_append_new(ev, event_json(j, &VEC_AT(&j->events, usn_event, i)));
	json_object_set_new(o, "link_events", ev);
	return o;
}
