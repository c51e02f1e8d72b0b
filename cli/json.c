// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* json.c - the CLI's streaming JSON writer (see json.h). */
#include <string.h>

#include "json.h"
#include "xf_util.h"

void jw_init(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->first[0] = true;
}

static void jw_key(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	if (key)
		fprintf(w->f, "\"%s\":", key);
}

static void jw_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void jw_push(struct jw *w)
{
	if (w->depth < (int)ARRAY_SIZE(w->first) - 1)
		w->depth++;
	w->first[w->depth] = true;
}

void jw_obj_open(struct jw *w, const char *key)
{
	jw_key(w, key);
	fputc('{', w->f);
	jw_push(w);
}

void jw_obj_close(struct jw *w)
{
	fputc('}', w->f);
	if (w->depth > 0)
		w->depth--;
	if (w->depth == 0) {
		fputc('\n', w->f);
		w->first[0] = true;
	}
}

void jw_arr_open(struct jw *w, const char *key)
{
	jw_key(w, key);
	fputc('[', w->f);
	jw_push(w);
}

void jw_arr_close(struct jw *w)
{
	fputc(']', w->f);
	if (w->depth > 0)
		w->depth--;
}

void jw_str(struct jw *w, const char *key, const char *val)
{
	jw_key(w, key);
	if (val)
		jw_string(w->f, val);
	else
		fputs("null", w->f);
}

void jw_u64(struct jw *w, const char *key, unsigned long long val)
{
	jw_key(w, key);
	fprintf(w->f, "%llu", val);
}

void jw_i64(struct jw *w, const char *key, long long val)
{
	jw_key(w, key);
	fprintf(w->f, "%lld", val);
}

void jw_dbl(struct jw *w, const char *key, double val)
{
	jw_key(w, key);
	fprintf(w->f, "%.3f", val);
}

void jw_bool(struct jw *w, const char *key, bool val)
{
	jw_key(w, key);
	fputs(val ? "true" : "false", w->f);
}

void jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	fputs("null", w->f);
}
