// SPDX-License-Identifier: GPL-2.0-only
/*
 * json-check: exits 0 if its standard input is one well-formed JSON value
 * (RFC 8259: objects, arrays, strings with their escapes, numbers, true,
 * false, null), else prints where it stopped and exits 1.  The test VM has
 * no jq or Python; the bench-smoke scenario checks the benchmark's JSON
 * with this.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static char buf[1 << 20];
static size_t pos, len;

static void ws(void)
{
	while (pos < len && strchr(" \t\r\n", buf[pos]))
		pos++;
}

static int lit(const char *s)
{
	size_t n = strlen(s);

	if (len - pos < n || memcmp(buf + pos, s, n))
		return 0;
	pos += n;
	return 1;
}

static int string(void)
{
	if (buf[pos++] != '"')
		return 0;
	while (pos < len && buf[pos] != '"') {
		if ((unsigned char)buf[pos] < 0x20)
			return 0;
		if (buf[pos++] == '\\') {
			if (pos < len && buf[pos] == 'u') {
				for (int i = 1; i <= 4; i++)
					if (pos + i >= len || !isxdigit((unsigned char)buf[pos + i]))
						return 0;
				pos += 5;
			} else if (pos < len && strchr("\"\\/bfnrt", buf[pos])) {
				pos++;
			} else {
				return 0;
			}
		}
	}
	return pos++ < len;
}

static int digits(void)
{
	size_t start = pos;

	while (pos < len && isdigit((unsigned char)buf[pos]))
		pos++;
	return pos > start;
}

static int number(void)
{
	if (buf[pos] == '-')
		pos++;
	if (pos < len && buf[pos] == '0')
		pos++;
	else if (!digits())
		return 0;
	if (pos < len && buf[pos] == '.' && (pos++, !digits()))
		return 0;
	if (pos < len && (buf[pos] == 'e' || buf[pos] == 'E')) {
		pos++;
		if (pos < len && (buf[pos] == '+' || buf[pos] == '-'))
			pos++;
		if (!digits())
			return 0;
	}
	return 1;
}

static int value(int depth)
{
	ws();
	if (pos >= len || depth > 64)
		return 0;
	if (buf[pos] == '{' || buf[pos] == '[') {
		char close = buf[pos++] == '{' ? '}' : ']';

		ws();
		if (pos < len && buf[pos] == close)
			return ++pos;
		for (;;) {
			if (close == '}') {
				ws();
				if (pos >= len || !string())
					return 0;
				ws();
				if (pos >= len || buf[pos++] != ':')
					return 0;
			}
			if (!value(depth + 1))
				return 0;
			ws();
			if (pos < len && buf[pos] == ',') {
				pos++;
				continue;
			}
			return pos < len && buf[pos++] == close;
		}
	}
	if (buf[pos] == '"')
		return string();
	if (buf[pos] == '-' || isdigit((unsigned char)buf[pos]))
		return number();
	return lit("true") || lit("false") || lit("null");
}

int main(void)
{
	len = fread(buf, 1, sizeof(buf), stdin);
	if (len == sizeof(buf) || !value(0) || (ws(), pos != len)) {
		printf("json-check: not well-formed JSON at byte %zu of %zu\n", pos, len);
		return 1;
	}
	return 0;
}
