/* SPDX-License-Identifier: Apache-2.0 */
/* The HTML report's pieces: SHA-256 against the FIPS 180-4 examples, escaping of hostile names, shell words
 * and istat commands, against answers written by hand. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_out.h"
#include "sha256.h"

/* The hex digest of n bytes of s, hashed in pieces of step bytes. */
static void digest(const char *s, size_t n, size_t step, char hex[65])
{
	sha256_ctx c;
	uint8_t d[32];
	sha256_init(&c);
	for (size_t i = 0; i < n; i += step)
		sha256_update(&c, s + i, n - i < step ? n - i : step);
	sha256_final(&c, d);
	sha256_hex(d, hex);
}

Test(sha256, fips_180_4_examples)
{
	char hex[65];
	digest("", 0, 1, hex);
	cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	digest("abc", 3, 1, hex);
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	for (size_t step = 1; step <= 64; step *= 3) { /* block boundaries in every place */
		digest(two, strlen(two), step, hex);
		cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	}
	char *million = malloc(1000000);
	memset(million, 'a', 1000000);
	digest(million, 1000000, 4099, hex);
	cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
	/* 55 and 56 bytes: the padding fits one block, or needs a second */
	digest("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 55, 55, hex);
	cr_assert_str_eq(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	digest("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 56, 7, hex);
	cr_assert_str_eq(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
}

Test(sha256, base64_as_csp_wants_it)
{
	sha256_ctx c;
	uint8_t d[32];
	char b64[45];
	sha256_init(&c);
	sha256_final(&c, d);
	sha256_base64(d, b64);
	cr_assert_str_eq(b64, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

/* What fn(f, s) writes, as a string (caller frees). */
static char *written(void (*fn)(FILE *, const char *), const char *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	fn(f, s);
	fclose(f);
	return text;
}

Test(html, hostile_names_stay_text)
{
	char *t = written(html_text, "</script><img src=x onerror=\"alert('1')\">&amp;");
	cr_assert_str_eq(t, "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;amp;");
	free(t);
	/* a right-to-left override that would make "invoice<RLO>gpj.exe" read as invoiceexe.jpg */
	t = written(html_text, "invoice\xE2\x80\xAEgpj.exe");
	cr_assert_str_eq(t, "invoice\\u202Egpj.exe");
	free(t);
	/* bytes that are not UTF-8 (a lone continuation, an overlong '/', a surrogate), and control characters */
	t = written(html_text, "a\x80" "b\xC0\xAF" "c\xED\xA0\x80" "d\x01\x1B" "e\x7F");
	cr_assert_str_eq(t, "a\\x80b\\xC0\\xAFc\\xED\\xA0\\x80d\\x01\\x1Be\\x7F");
	free(t);
	t = written(html_text, "caf\xC3\xA9 \xF0\x9F\x98\x80"); /* valid UTF-8 passes unchanged */
	cr_assert_str_eq(t, "caf\xC3\xA9 \xF0\x9F\x98\x80");
	free(t);
}

Test(html, shell_words)
{
	char *t = written(html_shell_word, "fixtures/demo.E01");
	cr_assert_str_eq(t, "fixtures/demo.E01");
	free(t);
	t = written(html_shell_word, "my case's disk.E01");
	cr_assert_str_eq(t, "&#39;my case&#39;\\&#39;&#39;s disk.E01&#39;");
	free(t);
	t = written(html_shell_word, "$(rm -rf x)");
	cr_assert_str_eq(t, "&#39;$(rm -rf x)&#39;");
	free(t);
	t = written(html_shell_word, "");
	cr_assert_str_eq(t, "&#39;&#39;");
	free(t);
}

/* istat's -o counts 512-byte sectors; a volume at byte 0 needs none. */
Test(html, istat_commands)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	html_istat(f, "disk.dd", 1048576, 64);
	fputc('|', f);
	html_istat(f, "vol.raw", 0, 5);
	fputc('|', f);
	html_istat(f, "odd.raw", 1000, 7);
	fclose(f);
	cr_assert_str_eq(text, "istat -o 2048 disk.dd 64|istat vol.raw 5|(no istat command: the volume starts at byte 1000, not on a 512-byte sector)");
	free(text);
}
