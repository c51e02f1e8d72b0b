/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* json.h - the CLI's output formatting for --json. */
#ifndef XF_CLI_JSON_H
#define XF_CLI_JSON_H

#include <stdbool.h>
#include <stdio.h>

/* Minimal streaming JSON writer (one object or line at a time). */
struct jw {
	FILE *f;
	int depth;
	bool first[16];
};
void jw_init(struct jw *w, FILE *f);
void jw_obj_open(struct jw *w, const char *key);	/* key NULL in arrays/top */
void jw_obj_close(struct jw *w);
void jw_arr_open(struct jw *w, const char *key);
void jw_arr_close(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *val);	/* val NULL -> null */
void jw_u64(struct jw *w, const char *key, unsigned long long val);
void jw_i64(struct jw *w, const char *key, long long val);
void jw_dbl(struct jw *w, const char *key, double val);
void jw_bool(struct jw *w, const char *key, bool val);
void jw_null(struct jw *w, const char *key);

#endif /* XF_CLI_JSON_H */
