/* SPDX-License-Identifier: Apache-2.0 */
/* E01 sets: finding the segments, refusing incomplete or truncated sets (libewf 20140813 opens them
 * and silently returns zeros for the missing data), and reading the acquisition metadata. */
#include "config.h"
#include "container.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <libewf.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "le.h"

#define EWF_FILE_HEADER_LEN 13     /* signature 8, fields start 1, segment number 2, fields end 2 */
#define EWF_SECTION_DESC_LEN 76    /* type 16, next offset 8, size 8, padding 40, checksum 4 */
#define EWF_MAX_SECTIONS 100000000 /* far more than any real segment holds; bounds the walk */

static const uint8_t ewf1_sig[8] = {'E', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00};
static const uint8_t ewf2_sig[8] = {'E', 'V', 'F', '2', 0x0d, 0x0a, 0x81, 0x00};

bool image_ewf_signature(const uint8_t *p, size_t len)
{
	return len >= 8 && (memcmp(p, ewf1_sig, 8) == 0 || memcmp(p, ewf2_sig, 8) == 0);
}

/* Copies libewf's error message into buf and frees the error, so callers can quote the cause. */
static const char *ewf_cause(libewf_error_t **e, char *buf, size_t cap)
{
	snprintf(buf, cap, "unknown libewf error");
	if (e && *e) {
		if (libewf_error_sprint(*e, buf, cap) <= 0)
			snprintf(buf, cap, "unknown libewf error");
		libewf_error_free(e);
	}
	return buf;
}

/* How a segment's section chain ends. */
typedef enum { EWF_CHAIN_DONE, EWF_CHAIN_NEXT, EWF_CHAIN_OTHER } ewf_chain_end;

/* Reads exactly len bytes at off, retrying on EINTR; false on error or end of file. */
static bool ewf_pread_exact(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/* Walks the section chain of one EWF1 segment file from its header to its "next" or "done" section:
 * a chain that runs past the end of the file means the file is truncated. Also checks that the
 * header's segment number is the one the set's order expects. */
static ntfs_status ewf_walk_segment(const char *name, uint16_t expect_number, ewf_chain_end *end,
				    ntfs_error *err)
{
	int fd = open(name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return ntfs_error_set(err, NTFS_E_IO, "%s: %s", name, strerror(errno));
	struct stat st;
	uint8_t d[EWF_SECTION_DESC_LEN];
	ntfs_status s = NTFS_OK;
	*end = EWF_CHAIN_OTHER;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		s = ntfs_error_set(err, NTFS_E_IO, "%s: not a regular file", name);
		goto out;
	}
	uint64_t size = (uint64_t)st.st_size;
	if (!ewf_pread_exact(fd, d, EWF_FILE_HEADER_LEN, 0)) {
		s = ntfs_error_set(err, NTFS_E_TRUNCATED, "%s: E01 segment is truncated (no file header)", name);
		goto out;
	}
	if (memcmp(d, ewf1_sig, 8) != 0)    /* EWF2 (Ex01) segments: libewf's own checks only */
		goto out;
	if (le16(d + 9) != expect_number) {
		s = ntfs_error_set(err, NTFS_E_INVALID, "%s: E01 segment number %u where %u was expected (segment "
				   "files renamed or mixed from different sets?)", name, le16(d + 9), expect_number);
		goto out;
	}
	uint64_t off = EWF_FILE_HEADER_LEN;
	for (long i = 0; i < EWF_MAX_SECTIONS; i++) {
		if (off > size || size - off < EWF_SECTION_DESC_LEN || !ewf_pread_exact(fd, d, sizeof(d), off)) {
			s = ntfs_error_set(err, NTFS_E_TRUNCATED, "%s: E01 segment is truncated (section chain "
					   "leads to offset %llu of a %llu-byte file)", name,
					   (unsigned long long)off, (unsigned long long)size);
			goto out;
		}
		if (memcmp(d, "done", 5) == 0 || memcmp(d, "next", 5) == 0) {
			*end = d[0] == 'd' ? EWF_CHAIN_DONE : EWF_CHAIN_NEXT;
			goto out;
		}
		uint64_t next = le64(d + 16);
		if (next <= off) {
			s = ntfs_error_set(err, NTFS_E_INVALID, "%s: E01 section chain is corrupt at offset %llu",
					   name, (unsigned long long)off);
			goto out;
		}
		off = next;
	}
	s = ntfs_error_set(err, NTFS_E_INVALID, "%s: E01 segment has too many sections", name);
out:
	close(fd);
	return s;
}

/* Writes the name the segment after last would have (x.E07 → x.E08), or "the next segment". */
static void ewf_next_name(const char *last, char *buf, size_t cap)
{
	size_t n = strlen(last);
	if (n >= 3 && isdigit((unsigned char)last[n - 1]) && isdigit((unsigned char)last[n - 2]) &&
	    !(last[n - 2] == '9' && last[n - 1] == '9')) {
		int num = (last[n - 2] - '0') * 10 + (last[n - 1] - '0') + 1;
		snprintf(buf, cap, "%.*s%02d", (int)(n - 2), last, num);
	} else {
		snprintf(buf, cap, "the segment after %s", last);
	}
}

/* Checks every segment is intact and that the last one ends the set ("done"), so a missing segment
 * or a truncated file is an error instead of silently zero-filled data. */
static ntfs_status ewf_check_set(const char *path, char **segs, size_t n, ntfs_error *err)
{
	for (size_t i = 0; i < n; i++) {
		ewf_chain_end end;
		ntfs_status s = ewf_walk_segment(segs[i], (uint16_t)(i + 1), &end, err);
		if (s != NTFS_OK)
			return s;
		if (i + 1 == n && end == EWF_CHAIN_NEXT) {
			char next[4096];
			ewf_next_name(segs[i], next, sizeof(next));
			return ntfs_error_set(err, NTFS_E_IO, "%s: E01 set is incomplete: segment %s is missing (%s "
					      "says more segments follow)", path, next, segs[i]);
		}
	}
	return NTFS_OK;
}

/* Finds all segments of the set with libewf_glob. A name it cannot glob (no .E01-style extension) is
 * refused with advice: libtsk globs single names itself and would fail less clearly. The list is
 * copied into malloc'd strings the image owns. */
static ntfs_status ewf_glob(const char *path, char ***out, size_t *count, ntfs_error *err)
{
	libewf_error_t *e = NULL;
	char **names = NULL;
	int n = 0;
	char **segs;
	char cause[256];
	if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &names, &n, &e) != 1 || n < 1)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: has an E01 signature but not an E01 segment "
				      "name (link or copy it as NAME.E01): %s", path, ewf_cause(&e, cause, sizeof(cause)));
	size_t want = (size_t)n;
	segs = calloc(want, sizeof(*segs));
	for (size_t i = 0; segs && i < want; i++) {
		segs[i] = strdup(names[i]);
		if (!segs[i]) {
			while (i > 0)
				free(segs[--i]);
			free(segs);
			segs = NULL;
		}
	}
	if (names)
		libewf_glob_free(names, n, NULL);
	if (!segs)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", path);
	*out = segs;
	*count = want;
	return NTFS_OK;
}

/* One header value as a malloc'd string; NULL when absent or empty. Sets *oom on allocation failure. */
static char *ewf_value(libewf_handle_t *h, const char *id, bool hash, bool *oom)
{
	libewf_error_t *e = NULL;
	size_t size = 0;
	const uint8_t *uid = (const uint8_t *)id;
	int r = hash ? libewf_handle_get_utf8_hash_value_size(h, uid, strlen(id), &size, &e)
		     : libewf_handle_get_utf8_header_value_size(h, uid, strlen(id), &size, &e);
	if (r != 1 || size < 2) {
		libewf_error_free(&e);
		return NULL;
	}
	uint8_t *v = malloc(size);
	if (!v) {
		*oom = true;
		return NULL;
	}
	r = hash ? libewf_handle_get_utf8_hash_value(h, uid, strlen(id), v, size, &e)
		 : libewf_handle_get_utf8_header_value(h, uid, strlen(id), v, size, &e);
	if (r != 1 || v[0] == '\0') {
		libewf_error_free(&e);
		free(v);
		return NULL;
	}
	v[size - 1] = '\0';
	return (char *)v;
}

/* Lower-cases a hex digest in place (libewf prints what the E01 stores). */
static void ewf_lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Fills info from an open handle: header values, stored hashes, media size and sector size. */
static ntfs_status ewf_fill_info(libewf_handle_t *h, const char *path, image_ewf_info *info, ntfs_error *err)
{
	bool oom = false;
	libewf_error_t *e = NULL;
	char cause[256];
	info->case_number = ewf_value(h, "case_number", false, &oom);
	info->evidence_number = ewf_value(h, "evidence_number", false, &oom);
	info->examiner = ewf_value(h, "examiner_name", false, &oom);
	info->description = ewf_value(h, "description", false, &oom);
	info->notes = ewf_value(h, "notes", false, &oom);
	info->acquisition_date = ewf_value(h, "acquiry_date", false, &oom);
	info->system_date = ewf_value(h, "system_date", false, &oom);
	info->acquisition_software = ewf_value(h, "acquiry_software", false, &oom);
	info->acquisition_software_version = ewf_value(h, "acquiry_software_version", false, &oom);
	info->acquisition_os = ewf_value(h, "acquiry_operating_system", false, &oom);
	info->model = ewf_value(h, "model", false, &oom);
	info->serial_number = ewf_value(h, "serial_number", false, &oom);
	info->stored_md5 = ewf_value(h, "MD5", true, &oom);
	info->stored_sha1 = ewf_value(h, "SHA1", true, &oom);
	ewf_lower(info->stored_md5);
	ewf_lower(info->stored_sha1);
	if (oom)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", path);
	size64_t media = 0;
	if (libewf_handle_get_media_size(h, &media, &e) != 1)
		return ntfs_error_set(err, NTFS_E_IO, "%s: cannot read the E01 media size: %s", path,
				      ewf_cause(&e, cause, sizeof(cause)));
	info->media_size = media;
	if (libewf_handle_get_bytes_per_sector(h, &info->bytes_per_sector, &e) != 1)
		return ntfs_error_set(err, NTFS_E_IO, "%s: cannot read the E01 sector size: %s", path,
				      ewf_cause(&e, cause, sizeof(cause)));
	return NTFS_OK;
}

/* True when the first segment's section chain holds a "header2" section (EnCase 5 and later): its dates
 * are stored as seconds since 1970 UTC; a "header" alone stores the acquiring host's local time, no zone. */
static bool ewf_has_header2(const char *first)
{
	uint8_t d[EWF_SECTION_DESC_LEN];
	struct stat st;
	int fd = open(first, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool found = false;
	if (fstat(fd, &st) == 0 && ewf_pread_exact(fd, d, EWF_FILE_HEADER_LEN, 0) && memcmp(d, ewf1_sig, 8) == 0) {
		uint64_t off = EWF_FILE_HEADER_LEN, size = (uint64_t)st.st_size;
		for (long i = 0; i < EWF_MAX_SECTIONS && off <= size && size - off >= sizeof(d); i++) {
			if (!ewf_pread_exact(fd, d, sizeof(d), off))
				break;
			if (memcmp(d, "header2", 8) == 0) {
				found = true;
				break;
			}
			uint64_t next = le64(d + 16);
			if (memcmp(d, "done", 5) == 0 || memcmp(d, "next", 5) == 0 || next <= off)
				break;
			off = next;
		}
	}
	close(fd);
	return found;
}

/* Appends "Z" to an ISO 8601 date (a UTC time); false when out of memory. */
static bool ewf_mark_utc(char **date)
{
	if (!*date)
		return true;
	size_t n = strlen(*date);
	char *z = realloc(*date, n + 2);
	if (!z)
		return false;
	z[n] = 'Z';
	z[n + 1] = '\0';
	*date = z;
	return true;
}

/* Reads the metadata with libewf's dates rendered in UTC: libewf turns a header2 date (seconds since 1970
 * UTC) into text with localtime(), which would give the analysing machine's zone; with TZ=UTC the stored
 * time comes out as stored (a header date, already text, is unchanged by the round trip). TZ is restored
 * after. The image is opened before any thread starts, so changing TZ here is safe. */
static ntfs_status ewf_fill_info_utc(libewf_handle_t *h, const char *path, bool header2, image_ewf_info *info,
				     ntfs_error *err)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	if (old && !saved)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", path);
	setenv("TZ", "UTC0", 1);
	tzset();
	ntfs_status s = ewf_fill_info(h, path, info, err);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	if (s == NTFS_OK && header2 && (!ewf_mark_utc(&info->acquisition_date) || !ewf_mark_utc(&info->system_date)))
		s = ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", path);
	return s;
}

/* Opens the set read-only with libewf, refuses it if libewf flags it corrupted, and reads its metadata. */
static ntfs_status ewf_read_info(const char *path, char **segs, size_t n, image_ewf_info *info, ntfs_error *err)
{
	libewf_handle_t *h = NULL;
	libewf_error_t *e = NULL;
	char cause[256];
	ntfs_status s = NTFS_OK;
	if (libewf_handle_initialize(&h, &e) != 1)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: libewf: %s", path, ewf_cause(&e, cause, sizeof(cause)));
	if (libewf_handle_open(h, segs, (int)n, LIBEWF_OPEN_READ, &e) != 1) {
		s = ntfs_error_set(err, NTFS_E_IO, "%s: cannot open E01: %s", path, ewf_cause(&e, cause, sizeof(cause)));
		libewf_handle_free(&h, NULL);
		return s;
	}
	libewf_handle_set_header_values_date_format(h, LIBEWF_DATE_FORMAT_ISO8601, NULL);
	if (libewf_handle_segment_files_corrupted(h, NULL) == 1)
		s = ntfs_error_set(err, NTFS_E_IO, "%s: E01 segment files are corrupted or incomplete (libewf)", path);
	else
		s = ewf_fill_info_utc(h, path, ewf_has_header2(segs[0]), info, err);
	libewf_handle_close(h, NULL);
	libewf_handle_free(&h, NULL);
	return s;
}

ntfs_status image_ewf_find_set(const char *path, char ***segments, size_t *count, image_ewf_info **info,
			       ntfs_error *err)
{
	char **segs = NULL;
	size_t n = 0;
	image_ewf_info *inf = NULL;
	ntfs_status s = ewf_glob(path, &segs, &n, err);
	if (s != NTFS_OK)
		return s;
	s = ewf_check_set(path, segs, n, err);
	if (s == NTFS_OK && n > (size_t)INT32_MAX)
		s = ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: too many segments", path);
	if (s == NTFS_OK && !(inf = calloc(1, sizeof(*inf))))
		s = ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", path);
	if (s == NTFS_OK)
		s = ewf_read_info(path, segs, n, inf, err);
	if (s != NTFS_OK) {
		image_ewf_info_free(inf);
		for (size_t i = 0; i < n; i++)
			free(segs[i]);
		free(segs);
		return s;
	}
	*segments = segs;
	*count = n;
	*info = inf;
	return NTFS_OK;
}

/* Lower-case hex of the n bytes at d into a new string (NULL when out of memory). */
static char *ewf_hex(const unsigned char *d, unsigned n)
{
	char *s = malloc(2 * (size_t)n + 1);
	for (unsigned i = 0; s && i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", d[i]);
	return s;
}

/* image_ewf_verify of an E01: hashes the media as the scan reads it and compares with the stored hashes. */
static ntfs_status ewf_verify(image *img, ntfs_error *err)
{
	if (!img->ewf || !img->ewf_handle)
		return ntfs_error_set(err, NTFS_E_INVALID, "%s: --verify needs an E01 image (this one is not open)",
				      img->path);
	const size_t cap = (size_t)1 << 20;
	uint8_t *buf = malloc(cap);
	EVP_MD_CTX *md5 = EVP_MD_CTX_new(), *sha1 = EVP_MD_CTX_new();
	ntfs_status s = NTFS_OK;
	if (!buf || !md5 || !sha1 || EVP_DigestInit_ex(md5, EVP_md5(), NULL) != 1 ||
	    EVP_DigestInit_ex(sha1, EVP_sha1(), NULL) != 1)
		s = ntfs_error_set(err, NTFS_E_NOMEM, "%s: cannot set up hashing", img->path);
	for (uint64_t off = 0; s == NTFS_OK && off < img->size;) {
		size_t want = img->size - off < cap ? (size_t)(img->size - off) : cap, got = 0;
		s = image_ewf_data_read(img, off, buf, want, &got, err);
		if (s == NTFS_OK && got == 0)
			s = ntfs_error_set(err, NTFS_E_IO, "%s: no data at media offset %llu", img->path, (unsigned long long)off);
		if (s == NTFS_OK && (EVP_DigestUpdate(md5, buf, got) != 1 || EVP_DigestUpdate(sha1, buf, got) != 1))
			s = ntfs_error_set(err, NTFS_E_NOMEM, "%s: hashing failed", img->path);
		off += got;
	}
	unsigned char d5[EVP_MAX_MD_SIZE], d1[EVP_MAX_MD_SIZE];
	unsigned n5 = 0, n1 = 0;
	if (s == NTFS_OK && (EVP_DigestFinal_ex(md5, d5, &n5) != 1 || EVP_DigestFinal_ex(sha1, d1, &n1) != 1))
		s = ntfs_error_set(err, NTFS_E_NOMEM, "%s: hashing failed", img->path);
	image_ewf_info *e = img->ewf;
	if (s == NTFS_OK && (!(e->computed_md5 = ewf_hex(d5, n5)) || !(e->computed_sha1 = ewf_hex(d1, n1))))
		s = ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	if (s == NTFS_OK) {
		bool any = e->stored_md5 || e->stored_sha1;
		bool bad = (e->stored_md5 && strcmp(e->stored_md5, e->computed_md5)) ||
			   (e->stored_sha1 && strcmp(e->stored_sha1, e->computed_sha1));
		e->verified = !any ? IMAGE_EWF_NO_STORED_HASH : bad ? IMAGE_EWF_MISMATCH : IMAGE_EWF_MATCH;
	}
	EVP_MD_CTX_free(md5);
	EVP_MD_CTX_free(sha1);
	free(buf);
	return s;
}

void image_ewf_info_free(image_ewf_info *info)
{
	if (!info)
		return;
	free(info->computed_md5);
	free(info->computed_sha1);
	char *strs[] = {info->case_number, info->evidence_number, info->examiner, info->description,
			info->notes, info->acquisition_date, info->system_date, info->acquisition_software,
			info->acquisition_software_version, info->acquisition_os, info->model,
			info->serial_number, info->stored_md5, info->stored_sha1};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(strs[i]);
	free(info);
}

/* A chunk inflated earlier by a reading context, kept for the small reads that follow it (index records,
 * MFT records read again after the scan). */
typedef struct {
	uint64_t chunk;           /* chunk number; UINT64_MAX: empty */
	uint64_t used;            /* the context's tick when last read */
	uint8_t *data;            /* chunk size bytes */
} ewf_cached;

#define EWF_CACHE_CHUNKS 8

/* What one reading thread inflates with: a free context is taken for each image_read (the thread's last one
 * first). */
struct image_ewf_slot {
	pthread_mutex_t mu;
	struct libdeflate_decompressor *dec;
	uint8_t *packed;          /* one chunk as stored: compressed, or data and checksum */
	ewf_cached cache[EWF_CACHE_CHUNKS];
	uint64_t tick;
};

/*
 * The E01 data reader. The reading threads read each chunk as stored themselves, with pread, where the segments'
 * table sections say it is (struct ewf_direct, when they are intact), else through one libewf handle used under
 * io_mu only to copy it (libewf_handle_read_chunk); they inflate and check it themselves (libdeflate verifies
 * the zlib stream's Adler-32, an uncompressed chunk's stored Adler-32 is checked here), so E01 is
 * decompressed on every core. A chunk that does not inflate to its size or fails its checksum is read
 * again through libewf_handle_read_random, which reads it as zeros and remembers it as a checksum error,
 * exactly as it always did: every doubtful chunk is libewf's decision.
 */
struct image_ewf_data {
	libewf_handle_t *h;
	libewf_handle_t *judge;   /* a second handle, opened at the first doubtful chunk, through which libewf
				   * reads everything from then on (legacy): what libewf 20140813 makes of a damaged
				   * chunk depends on what its handle read before (a second read of a failed chunk
				   * still in its cache is an error, a first one zeros), so once the image is known
				   * to be damaged every read goes through one handle as before read_chunk was used */
	_Atomic bool legacy;
	pthread_mutex_t io_mu;    /* guards h and judge */
	pthread_mutex_t slots_mu; /* guards opening slots */
	struct image_ewf_slot slots[IMAGE_EWF_MAX_HANDLES];
	_Atomic size_t nslots;    /* slots ready so far (only grows, under slots_mu) */
	uint64_t media_size;
	uint32_t chunk_size;      /* 0: chunks are not read directly (libewf_handle_read_random only) */
	size_t packed_cap;
	struct ewf_direct *direct; /* where the chunks are stored, read from the tables (NULL: ask libewf for each) */
};

/*
 * Where each chunk is stored, read from the segments' own table sections, so that the threads that inflate the
 * chunks also read them, with pread and no lock: libewf_handle_read_chunk costs ~20 us of CPU a chunk (as much as
 * inflating it) under io_mu, which made the E01 reads one core's work. Only for the layout ewfacquire and EnCase 6
 * write and only when everything about it is intact: every segment EWF1; every section descriptor's Adler-32
 * right; each "table" right after its "sectors" section, entries relative to it (base offset = that section),
 * header and entries Adler-32 right, offsets increasing inside the sectors section, and a "table2" after it
 * (when there is one) byte-identical; as many entries as the media has chunks; and chunk 0 and the first table's
 * last chunk read the same by libewf (which then loads that one table's entries: ~7 MB for 65,534 chunks, spared
 * for the other tables). Anything else: no index, every chunk through libewf as before. A table's last chunk is
 * read as what is left of its sectors section (where libewf ends it too) and taken only when that inflates
 * exactly, else libewf reads it. What a chunk read either way inflates to is checked the same way
 * (ewf_chunk_decode), and a doubtful one is libewf's decision, so the bytes read are libewf's.
 */
#define EWF_AT_OFFSET ((UINT64_C(1) << 48) - 1) /* file offset of the chunk's stored bytes */
#define EWF_AT_SEGMENT_SHIFT 48                 /* segment number, 14 bits */
#define EWF_AT_SEGMENTS 0x3fffu
#define EWF_AT_COMPRESSED (UINT64_C(1) << 62)
#define EWF_AT_LAST (UINT64_C(1) << 63)         /* its table's last entry: it ends where its sectors section does */

struct ewf_direct {
	int *fds;                 /* per segment, read-only */
	size_t nfds;
	uint64_t *at;             /* per chunk: EWF_AT_* */
	uint64_t count, cap;
	uint64_t *firsts;         /* the first chunk of every table, ascending */
	uint64_t *ends;           /* where each table's sectors section ends (its last chunk's end) */
	size_t nfirsts, firsts_cap;
};

/* True when the 4 little-endian bytes at sum are the Adler-32 of n bytes at p. */
static bool ewf_adler_ok(const uint8_t *p, size_t n, const uint8_t *sum)
{
	return libdeflate_adler32(1, p, n) == le32(sum);
}

/* Frees an index and closes its files. */
static void ewf_direct_free(struct ewf_direct *dir)
{
	if (!dir)
		return;
	for (size_t i = 0; i < dir->nfds; i++)
		if (dir->fds[i] >= 0)
			close(dir->fds[i]);
	free(dir->fds);
	free(dir->at);
	free(dir->firsts);
	free(dir->ends);
	free(dir);
}

/* Appends the entries of the table section at off (body of len bytes, after the "sectors" section at sectors) of
 * segment seg to dir; *bytes (malloc'd, *blen) gets the body's first 24 + 4 n + 4 bytes for the table2 check. */
static bool ewf_direct_table(struct ewf_direct *dir, int fd, size_t seg, uint64_t off, uint64_t len, uint64_t sectors,
			     uint64_t sectors_end, uint64_t max_chunks, uint8_t **bytes, size_t *blen)
{
	uint8_t h[24];
	if (len < sizeof(h) + 4 || !ewf_pread_exact(fd, h, sizeof(h), off) || !ewf_adler_ok(h, 20, h + 20))
		return false;
	uint64_t n = le32(h), base = le64(h + 8);
	if (n == 0 || base != sectors || n > (len - sizeof(h) - 4) / 4 || n > max_chunks - dir->count)
		return false;
	size_t total = sizeof(h) + 4 * (size_t)n + 4;
	uint8_t *b = malloc(total);
	if (!b)
		return false;
	memcpy(b, h, sizeof(h));
	if (!ewf_pread_exact(fd, b + sizeof(h), total - sizeof(h), off + sizeof(h)) ||
	    !ewf_adler_ok(b + sizeof(h), 4 * (size_t)n, b + sizeof(h) + 4 * n)) {
		free(b);
		return false;
	}
	if (dir->count + n > dir->cap) {
		uint64_t cap = dir->cap ? dir->cap : 1024;
		while (cap < dir->count + n)
			cap *= 2;
		uint64_t *at = realloc(dir->at, (size_t)cap * sizeof(*at));
		if (!at) {
			free(b);
			return false;
		}
		dir->at = at;
		dir->cap = cap;
	}
	if (dir->nfirsts == dir->firsts_cap) {
		size_t cap = dir->firsts_cap ? 2 * dir->firsts_cap : 16;
		uint64_t *f = realloc(dir->firsts, cap * sizeof(*f));
		if (f)
			dir->firsts = f;
		uint64_t *en = f ? realloc(dir->ends, cap * sizeof(*en)) : NULL;
		if (!en) {
			free(b);
			return false;
		}
		dir->ends = en;
		dir->firsts_cap = cap;
	}
	dir->ends[dir->nfirsts] = sectors_end;
	dir->firsts[dir->nfirsts++] = dir->count;
	uint64_t prev = sectors + EWF_SECTION_DESC_LEN;
	for (uint64_t j = 0; j < n; j++) {
		uint32_t e = le32(b + sizeof(h) + 4 * j);
		uint64_t at = base + (e & 0x7fffffffu);
		if (at < prev || (j > 0 && at == prev) || at >= sectors_end || at > EWF_AT_OFFSET) {
			free(b);
			return false;
		}
		prev = at;
		dir->at[dir->count++] = at | ((uint64_t)seg << EWF_AT_SEGMENT_SHIFT) | (e >> 31 ? EWF_AT_COMPRESSED : 0) |
					(j + 1 == n ? EWF_AT_LAST : 0);
	}
	*bytes = b;
	*blen = total;
	return true;
}

/* Appends segment seg's chunks (its table sections, in order) to dir; false at anything but the layout above. */
static bool ewf_direct_segment(struct ewf_direct *dir, int fd, size_t seg, uint64_t max_chunks)
{
	struct stat st;
	uint8_t d[EWF_SECTION_DESC_LEN];
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !ewf_pread_exact(fd, d, EWF_FILE_HEADER_LEN, 0) ||
	    memcmp(d, ewf1_sig, 8) != 0)
		return false;
	uint64_t size = (uint64_t)st.st_size, off = EWF_FILE_HEADER_LEN, sectors = 0, sectors_end = 0;
	uint8_t *table = NULL; /* the last table's bytes, until its table2 (or the next section) */
	size_t tlen = 0;
	bool ok = false, after_table = false;
	for (long i = 0; i < EWF_MAX_SECTIONS; i++) {
		if (off > size || size - off < sizeof(d) || !ewf_pread_exact(fd, d, sizeof(d), off) ||
		    !ewf_adler_ok(d, 72, d + 72))
			break;
		uint64_t next = le64(d + 16), len = le64(d + 24);
		if (memcmp(d, "done", 5) == 0 || memcmp(d, "next", 5) == 0) {
			ok = true;
			break;
		}
		if (next <= off || len < sizeof(d) || len > size - off)
			break;
		bool was_table = after_table;
		after_table = false;
		if (memcmp(d, "sectors", 8) == 0) {
			sectors = off;
			sectors_end = off + len;
		} else if (memcmp(d, "table", 6) == 0) {
			free(table);
			table = NULL;
			if (!sectors || off != sectors_end ||
			    !ewf_direct_table(dir, fd, seg, off + sizeof(d), len - sizeof(d), sectors, sectors_end, max_chunks,
					      &table, &tlen))
				break;
			sectors = 0; /* a table belongs to the sectors section right before it */
			after_table = true;
		} else if (memcmp(d, "table2", 7) == 0) {
			uint8_t *t2 = was_table && len - sizeof(d) >= tlen ? malloc(tlen) : NULL;
			bool same = t2 && ewf_pread_exact(fd, t2, tlen, off + sizeof(d)) && memcmp(t2, table, tlen) == 0;
			free(t2);
			if (!same)
				break;
		}
		off = next;
	}
	free(table);
	return ok;
}

/* Where chunk c (< dir->count) is stored: its segment's file, offset and size. */
static void ewf_direct_where(const struct ewf_direct *dir, uint64_t c, int *fd, uint64_t *off, size_t *n)
{
	uint64_t at = dir->at[c], end;
	if (at & EWF_AT_LAST) { /* the table whose first chunk is the last one <= c */
		size_t lo = 0, hi = dir->nfirsts;
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (dir->firsts[mid] <= c)
				lo = mid;
			else
				hi = mid;
		}
		end = dir->ends[lo];
	} else {
		end = dir->at[c + 1] & EWF_AT_OFFSET;
	}
	*fd = dir->fds[at >> EWF_AT_SEGMENT_SHIFT & EWF_AT_SEGMENTS];
	*off = at & EWF_AT_OFFSET;
	*n = (size_t)(end - *off);
}

/* True when libewf reads chunk c as stored exactly as the index does (size, compression, bytes). */
static bool ewf_direct_agrees(struct image_ewf_data *d, struct ewf_direct *dir, uint64_t c, uint8_t *a, uint8_t *b)
{
	uint64_t at = dir->at[c], off;
	int fd;
	size_t n;
	ewf_direct_where(dir, c, &fd, &off, &n);
	if (n > d->packed_cap || !ewf_pread_exact(fd, a, n, off))
		return false;
	int8_t compressed = 0, have_sum = 0;
	uint32_t sum = 0;
	uint8_t sum_bytes[4];
	libewf_error_t *e = NULL;
	ssize_t r = -1;
	if (libewf_handle_seek_offset(d->h, (off64_t)(c * d->chunk_size), SEEK_SET, &e) == (off64_t)(c * d->chunk_size))
		r = libewf_handle_read_chunk(d->h, b, d->packed_cap, &compressed, sum_bytes, &sum, &have_sum, &e);
	libewf_error_free(&e);
	if (r < 0 || !compressed != !(at & EWF_AT_COMPRESSED))
		return false;
	if (compressed)
		return (size_t)r == n && memcmp(a, b, n) == 0;
	/* uncompressed: libewf gives the data and its checksum apart or together; the index has both in a */
	return n >= 4 && (size_t)r >= n - 4 && memcmp(a, b, n - 4) == 0 &&
	       ((have_sum && sum == le32(a + n - 4)) || ((size_t)r == n && memcmp(a + n - 4, b + n - 4, 4) == 0));
}

/* Builds d->direct for img when its layout allows (see above); leaves it NULL otherwise. */
static void ewf_direct_open(image *img, struct image_ewf_data *d)
{
	uint64_t chunks = (d->media_size + d->chunk_size - 1) / d->chunk_size;
	struct ewf_direct *dir = calloc(1, sizeof(*dir));
	if (!dir || img->segment_count > EWF_AT_SEGMENTS || !(dir->fds = malloc(img->segment_count * sizeof(int)))) {
		ewf_direct_free(dir);
		return;
	}
	bool ok = chunks > 0;
	for (size_t i = 0; i < img->segment_count; i++) {
		dir->fds[dir->nfds++] = open(img->segments[i], O_RDONLY | O_NOCTTY | O_CLOEXEC);
		ok = ok && dir->fds[i] >= 0 && ewf_direct_segment(dir, dir->fds[i], i, chunks);
	}
	ok = ok && dir->count == chunks;
	uint8_t *a = ok ? malloc(d->packed_cap) : NULL, *b = a ? malloc(d->packed_cap) : NULL;
	ok = ok && b;
	ok = ok && ewf_direct_agrees(d, dir, 0, a, b) &&
	     ewf_direct_agrees(d, dir, dir->nfirsts > 1 ? dir->firsts[1] - 1 : dir->count - 1, a, b);
	free(a);
	free(b);
	if (!ok) {
		ewf_direct_free(dir);
		return;
	}
	d->direct = dir;
}

/* Opens a libewf handle on the image's segments for reading data. */
static ntfs_status ewf_handle_open(image *img, libewf_handle_t **out, ntfs_error *err)
{
	libewf_handle_t *h = NULL;
	libewf_error_t *e = NULL;
	char cause[256];
	if (libewf_handle_initialize(&h, &e) != 1)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: libewf: %s", img->path, ewf_cause(&e, cause, sizeof(cause)));
	if (libewf_handle_open(h, img->segments, (int)img->segment_count, LIBEWF_OPEN_READ, &e) != 1) {
		ntfs_status s = ntfs_error_set(err, NTFS_E_IO, "%s: cannot open E01: %s", img->path,
					       ewf_cause(&e, cause, sizeof(cause)));
		libewf_handle_free(&h, NULL);
		return s;
	}
	*out = h;
	return NTFS_OK;
}

ntfs_status image_ewf_data_open(image *img, ntfs_error *err)
{
	if (img->segment_count > (size_t)INT32_MAX)
		return ntfs_error_set(err, NTFS_E_UNSUPPORTED, "%s: too many segments", img->path);
	struct image_ewf_data *d = calloc(1, sizeof(*d));
	if (!d)
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: out of memory", img->path);
	if (pthread_mutex_init(&d->io_mu, NULL) != 0) {
		free(d);
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: cannot create a mutex", img->path);
	}
	if (pthread_mutex_init(&d->slots_mu, NULL) != 0) {
		pthread_mutex_destroy(&d->io_mu);
		free(d);
		return ntfs_error_set(err, NTFS_E_NOMEM, "%s: cannot create a mutex", img->path);
	}
	img->ewf_data = d;
	ntfs_status s = ewf_handle_open(img, &d->h, err);
	if (s != NTFS_OK)
		return s;
	img->ewf_handle = d->h;
	size64_t media = 0;
	size32_t cs = 0;
	if (libewf_handle_get_media_size(d->h, &media, NULL) == 1 && libewf_handle_get_chunk_size(d->h, &cs, NULL) == 1 &&
	    cs >= 512 && cs <= (64u << 20)) {
		d->media_size = media;
		d->chunk_size = cs;
		d->packed_cap = 2 * (size_t)cs + 64; /* a chunk stored larger than it is still fits */
		ewf_direct_open(img, d);
	}
	return NTFS_OK;
}

/* Frees one context's buffers (the mutex is the caller's). */
static void ewf_slot_free(struct image_ewf_slot *slot)
{
	libdeflate_free_decompressor(slot->dec);
	free(slot->packed);
	for (int i = 0; i < EWF_CACHE_CHUNKS; i++)
		free(slot->cache[i].data);
	memset(slot, 0, sizeof(*slot));
}

/* Readies context slot: its decompressor, its chunk buffers (allocated, untouched until used). */
static bool ewf_slot_init(struct image_ewf_data *d, struct image_ewf_slot *slot)
{
	memset(slot, 0, sizeof(*slot));
	if (pthread_mutex_init(&slot->mu, NULL) != 0)
		return false;
	bool ok = !d->chunk_size || ((slot->dec = libdeflate_alloc_decompressor()) && (slot->packed = malloc(d->packed_cap)));
	for (int i = 0; ok && d->chunk_size && i < EWF_CACHE_CHUNKS; i++) {
		slot->cache[i].chunk = UINT64_MAX;
		ok = (slot->cache[i].data = malloc(d->chunk_size)) != NULL;
	}
	if (!ok) {
		ewf_slot_free(slot);
		pthread_mutex_destroy(&slot->mu);
	}
	return ok;
}

/* The context this thread last took (of image data d): taken first by its next read, so that the chunks it
 * inflated into that context's cache stay its own (another thread's reads do not evict them; it finds them). */
static _Thread_local struct {
	const struct image_ewf_data *d;
	size_t slot;
} ewf_mine;

/* Remembers slot i of d as this thread's own; returns it. */
static struct image_ewf_slot *ewf_slot_mine(struct image_ewf_data *d, size_t i)
{
	ewf_mine.d = d;
	ewf_mine.slot = i;
	return &d->slots[i];
}

/* A context whose lock this thread now holds: the one it took last when that is free, else a free one, else a
 * new one, else (all taken, or out of memory) the first one's turn. NULL only when not even the first could be
 * made. */
static struct image_ewf_slot *ewf_slot_take(struct image_ewf_data *d)
{
	size_t n = atomic_load(&d->nslots);
	size_t mine = ewf_mine.d == d ? ewf_mine.slot : SIZE_MAX;
	if (mine < n && pthread_mutex_trylock(&d->slots[mine].mu) == 0)
		return &d->slots[mine];
	for (size_t i = 0; i < n; i++)
		if (i != mine && pthread_mutex_trylock(&d->slots[i].mu) == 0)
			return ewf_slot_mine(d, i);
	struct image_ewf_slot *slot = NULL;
	pthread_mutex_lock(&d->slots_mu);
	n = atomic_load(&d->nslots);
	if (n < IMAGE_EWF_MAX_HANDLES && ewf_slot_init(d, &d->slots[n])) {
		slot = &d->slots[n];
		pthread_mutex_lock(&slot->mu);
		atomic_store(&d->nslots, n + 1);
		ewf_slot_mine(d, n);
	}
	pthread_mutex_unlock(&d->slots_mu);
	if (!slot && n > 0) {
		slot = &d->slots[0];
		pthread_mutex_lock(&slot->mu);
	}
	return slot;
}

/* image_read_loop's piece of handle h (a libewf_handle_t): libewf's read_random, its error as the cause. */
static ssize_t ewf_piece(void *h, uint64_t off, uint8_t *buf, size_t want, char *why, size_t cap)
{
	libewf_error_t *e = NULL;
	ssize_t n = libewf_handle_read_random(h, buf, want, (off64_t)off, &e);
	if (n < 0)
		ewf_cause(&e, why, cap);
	return n;
}

/* Reads len bytes at off through libewf itself (decompression, checksum errors and all), under io_mu. */
static ntfs_status ewf_read_libewf(image *img, uint64_t off, uint8_t *buf, size_t len, ntfs_error *err)
{
	struct image_ewf_data *d = img->ewf_data;
	size_t done;
	ntfs_status s = NTFS_OK;
	pthread_mutex_lock(&d->io_mu);
	libewf_handle_t *h = d->h;
	if (d->chunk_size) { /* h has read chunks as stored: the judge decides */
		if (!d->judge && (s = ewf_handle_open(img, &d->judge, err)) != NTFS_OK) {
			pthread_mutex_unlock(&d->io_mu);
			return s;
		}
		h = d->judge;
		atomic_store(&d->legacy, true);
	}
	s = image_read_loop(img, off, buf, len, &done, ewf_piece, h, err);
	pthread_mutex_unlock(&d->io_mu);
	return s;
}

/* The r bytes of a chunk as stored in slot->packed (a zlib stream, or the data and its Adler-32 sum) inflated and
 * checked into out: false unless they are exactly one zlib stream of clen bytes, or clen bytes and their sum. */
static bool ewf_stored_decode(struct image_ewf_slot *slot, ssize_t r, bool compressed, bool have_sum, uint32_t sum,
			      size_t clen, uint8_t *out)
{
	if (r <= 0)
		return false;
	size_t used = 0; /* a stream that ends before the stored bytes do is doubtful too (a table entry that lies) */
	if (compressed)
		return libdeflate_zlib_decompress_ex(slot->dec, slot->packed, (size_t)r, out, clen, &used, NULL) ==
		       LIBDEFLATE_SUCCESS && used == (size_t)r;
	if ((size_t)r != clen + 4 || !have_sum || libdeflate_adler32(1, slot->packed, clen) != sum)
		return false;
	memcpy(out, slot->packed, clen);
	return true;
}

/*
 * Chunk c (clen bytes of media) inflated and checked into out, as libewf would read it; false when it is
 * anything but a whole, intact chunk whose stored bytes are exactly one zlib stream of clen bytes, or clen
 * bytes and their Adler-32 (the caller then asks libewf, which decides what it reads as).
 */
static bool ewf_chunk_decode(struct image_ewf_data *d, struct image_ewf_slot *slot, uint64_t c, size_t clen,
			     uint8_t *out)
{
	const struct ewf_direct *dir = d->direct;
	if (dir && c < dir->count) { /* read as stored, by this thread: no lock */
		int fd;
		uint64_t off;
		size_t n;
		ewf_direct_where(dir, c, &fd, &off, &n);
		bool compressed = (dir->at[c] & EWF_AT_COMPRESSED) != 0;
		if (n <= d->packed_cap && n >= 4 && ewf_pread_exact(fd, slot->packed, n, off) &&
		    ewf_stored_decode(slot, (ssize_t)n, compressed, !compressed, compressed ? 0 : le32(slot->packed + n - 4),
				      clen, out))
			return true;
		if (!(dir->at[c] & EWF_AT_LAST))
			return false; /* libewf would copy the same bytes: doubtful, libewf decides */
	}
	int8_t compressed = 0, have_sum = 0;
	uint32_t sum = 0;
	uint8_t sum_bytes[4];
	libewf_error_t *e = NULL;
	ssize_t r = -1;
	pthread_mutex_lock(&d->io_mu);
	if (libewf_handle_seek_offset(d->h, (off64_t)(c * d->chunk_size), SEEK_SET, &e) == (off64_t)(c * d->chunk_size))
		r = libewf_handle_read_chunk(d->h, slot->packed, d->packed_cap, &compressed, sum_bytes, &sum, &have_sum, &e);
	pthread_mutex_unlock(&d->io_mu);
	libewf_error_free(&e);
	return ewf_stored_decode(slot, r, compressed, have_sum, sum, clen, out);
}

/* The cached copy of chunk c in slot, or NULL. */
static const uint8_t *ewf_cache_find(struct image_ewf_slot *slot, uint64_t c)
{
	for (int i = 0; i < EWF_CACHE_CHUNKS; i++)
		if (slot->cache[i].chunk == c) {
			slot->cache[i].used = ++slot->tick;
			return slot->cache[i].data;
		}
	return NULL;
}

/* The least recently read cache entry of slot, emptied for the caller to fill. */
static ewf_cached *ewf_cache_victim(struct image_ewf_slot *slot)
{
	ewf_cached *v = &slot->cache[0];
	for (int i = 1; i < EWF_CACHE_CHUNKS; i++)
		if (slot->cache[i].used < v->used)
			v = &slot->cache[i];
	v->chunk = UINT64_MAX;
	return v;
}

/* Reads [off, off + len) chunk by chunk through slot: whole chunks inflated straight into buf, parts of
 * chunks through the cache, doubtful chunks through libewf. */
static ntfs_status ewf_read_chunks(image *img, struct image_ewf_slot *slot, uint64_t off, uint8_t *buf, size_t len,
				   ntfs_error *err)
{
	struct image_ewf_data *d = img->ewf_data;
	uint64_t cs = d->chunk_size;
	for (size_t done = 0; done < len;) {
		uint64_t pos = off + done, c = pos / cs, within = pos % cs;
		if (pos >= d->media_size) /* past what libewf says the media holds: its answer */
			return ewf_read_libewf(img, pos, buf + done, len - done, err);
		size_t clen = (size_t)(d->media_size - c * cs < cs ? d->media_size - c * cs : cs);
		size_t n = clen - within < len - done ? (size_t)(clen - within) : len - done;
		const uint8_t *src = ewf_cache_find(slot, c);
		if (!src && within == 0 && n == clen && ewf_chunk_decode(d, slot, c, clen, buf + done)) {
			done += n;
			continue;
		}
		if (!src) {
			ewf_cached *v = ewf_cache_victim(slot);
			if (ewf_chunk_decode(d, slot, c, clen, v->data)) {
				v->chunk = c;
				v->used = ++slot->tick;
				src = v->data;
			}
		}
		if (src) {
			memcpy(buf + done, src + within, n);
		} else {
			ntfs_status s = ewf_read_libewf(img, pos, buf + done, n, err);
			if (s != NTFS_OK)
				return s;
		}
		done += n;
	}
	return NTFS_OK;
}

ntfs_status image_ewf_data_read(image *img, uint64_t off, uint8_t *buf, size_t len, size_t *got, ntfs_error *err)
{
	struct image_ewf_data *d = img->ewf_data;
	struct image_ewf_slot *slot = d->chunk_size && !atomic_load(&d->legacy) ? ewf_slot_take(d) : NULL;
	ntfs_status s;
	if (slot) {
		s = ewf_read_chunks(img, slot, off, buf, len, err);
		pthread_mutex_unlock(&slot->mu);
	} else {
		s = ewf_read_libewf(img, off, buf, len, err);
	}
	*got = s == NTFS_OK ? len : 0;
	return s;
}

void image_ewf_data_close(image *img)
{
	struct image_ewf_data *d = img->ewf_data;
	if (!d)
		return;
	size_t n = atomic_load(&d->nslots);
	for (size_t i = 0; i < n; i++) {
		ewf_slot_free(&d->slots[i]);
		pthread_mutex_destroy(&d->slots[i].mu);
	}
	if (d->h) {
		libewf_handle_close(d->h, NULL);
		libewf_handle_free(&d->h, NULL);
	}
	if (d->judge) {
		libewf_handle_close(d->judge, NULL);
		libewf_handle_free(&d->judge, NULL);
	}
	ewf_direct_free(d->direct);
	pthread_mutex_destroy(&d->io_mu);
	pthread_mutex_destroy(&d->slots_mu);
	free(d);
	img->ewf_data = NULL;
	img->ewf_handle = NULL;
}

/* A checksum error range in bytes. */
typedef struct {
	uint64_t off, len;
} ewf_range;

/* Orders ranges by offset, then length. */
static int ewf_range_cmp(const void *a, const void *b)
{
	const ewf_range *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Appends handle h's checksum errors to *v (grown as needed); false out of memory. */
static bool ewf_collect(libewf_handle_t *h, ewf_range **v, size_t *n, size_t *cap)
{
	uint32_t count = 0, bps = 0;
	if (libewf_handle_get_number_of_checksum_errors(h, &count, NULL) != 1 ||
	    libewf_handle_get_bytes_per_sector(h, &bps, NULL) != 1)
		return true;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t first = 0, sectors = 0;
		if (libewf_handle_get_checksum_error(h, i, &first, &sectors, NULL) != 1)
			first = sectors = 0;
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 16;
			ewf_range *g = realloc(*v, c * sizeof(**v));
			if (!g)
				return false;
			*v = g;
			*cap = c;
		}
		(*v)[(*n)++] = (ewf_range){first * bps, sectors * bps};
	}
	return true;
}

/* image_checksum_errors of an E01: the failed chunks every libewf handle read, in media order, each once. */
static size_t ewf_checksum_errors(image *img, uint64_t *offsets, uint64_t *lengths, size_t cap)
{
	if (!img->ewf_data || !img->ewf_data->h)
		return 0;
	ewf_range *v = NULL;
	size_t n = 0, vcap = 0;
	pthread_mutex_lock(&img->ewf_data->io_mu);
	if (ewf_collect(img->ewf_data->h, &v, &n, &vcap) && img->ewf_data->judge)
		ewf_collect(img->ewf_data->judge, &v, &n, &vcap);
	pthread_mutex_unlock(&img->ewf_data->io_mu);
	/* libewf remembers a failed chunk each time it reads it: one list in media order, each chunk once */
	if (n > 1)
		qsort(v, n, sizeof(*v), ewf_range_cmp);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || v[i].off != v[u - 1].off || v[i].len != v[u - 1].len)
			v[u++] = v[i];
	for (size_t i = 0; i < u && i < cap; i++) {
		if (offsets)
			offsets[i] = v[i].off;
		if (lengths)
			lengths[i] = v[i].len;
	}
	free(v);
	return u;
}

/* Closes the libewf handles and frees the metadata. */
static void ewf_close(image *img)
{
	image_ewf_data_close(img);
	image_ewf_info_free(img->ewf);
	img->ewf = NULL;
}

/* E01 data is read through libewf, a handle per reading thread. */
static const image_container ewf_container = {.read = image_ewf_data_read, .close = ewf_close,
						.checksum_errors = ewf_checksum_errors, .verify = ewf_verify, .parallel = true};

bool image_ewf_claims(const image_probe *p)
{
	return image_ewf_signature(p->head, p->n);
}

ntfs_status image_ewf_open(image *img, int fd, const image_probe *p, ntfs_error *err)
{
	(void)p;
	close(fd);
	img->container = &ewf_container;
	img->format = IMAGE_FORMAT_EWF;
	ntfs_status s = image_ewf_find_set(img->path, &img->segments, &img->segment_count, &img->ewf, err);
	if (s != NTFS_OK)
		return s;
	s = image_tsk_open_segments(img, TSK_IMG_TYPE_EWF_EWF, err);
	return s == NTFS_OK ? image_ewf_data_open(img, err) : s;
}
