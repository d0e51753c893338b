/* Google Drive twin: labels applied to files (files.modifyLabels,
 * files.listLabels, and labelInfo under includeLabels).
 *
 * Label definitions belong to the Drive Labels API, which this twin does not
 * serve, so any label and field id is accepted; what is applied is kept on
 * the file record as "_labels": labelId -> drive#label. */
#include <string.h>

#include "twins/google_drive/drive.h"
#include "util/util.h"

static json_value *labels_of(twin_ctx *ctx, json_value *f)
{
    json_value *l = json_get(f, "_labels");
    if (!l || l->type != JSON_OBJECT) {
        l = json_object(ctx->a);
        json_set(ctx->a, f, "_labels", l);
    }
    return l;
}

void gd_label_info(twin_ctx *ctx, const json_value *f, json_value *out)
{
    const char *want = gd_query(ctx, "includeLabels");
    if (!want || !*want) return;
    arena *a = ctx->a;
    json_value *info = json_object(a), *arr = json_array(a);
    json_set(a, info, "labels", arr);
    json_foreach(l, json_get(f, "_labels")) {
        /* includeLabels is a comma-separated list of label ids */
        char *ids = arena_strdup(a, want), *save = NULL;
        for (char *t = strtok_r(ids, ",", &save); t; t = strtok_r(NULL, ",", &save))
            if (str_eq(t, l->key)) json_push(arr, json_clone(a, l));
    }
    json_set(a, out, "labelInfo", info);
}

void gd_files_list_labels(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f) return;
    int64_t size, off;
    if (!google_page_size(ctx, &gd_api, "maxResults", 100, 100, &size) || !google_page_offset(ctx, &gd_api, &off))
        return;
    json_value *all = json_get(f, "_labels");
    size_t n = all && all->type == JSON_OBJECT ? all->len : 0;
    json_value *out = json_object(a), *arr = json_array(a);
    json_set_str(a, out, "kind", "drive#labelList");
    google_page page = google_page_window(off, size, n);
    size_t i = 0;
    json_foreach(l, all) {
        if (i >= page.start && i < page.end) json_push(arr, json_clone(a, l));
        i++;
    }
    if (page.more) json_set_str(a, out, "nextPageToken", google_cursor(ctx, 'o', (int64_t)page.end));
    json_set(a, out, "labels", arr);
    google_reply_fields(ctx, out, NULL);
}

static bool bad_body(twin_ctx *ctx, const char *reason, const char *message, const char *location)
{
    gd_error(ctx, 400, reason, message, location, "other");
    return false;
}

static const struct {
    const char *set, *type;
} value_kinds[] = {
    {"setTextValues", "text"}, {"setSelectionValues", "selection"}, {"setIntegerValues", "integer"},
    {"setDateValues", "dateString"}, {"setUserValues", "user"},
};

/* One field modification on label l; false after a 400. */
static bool modify_field(twin_ctx *ctx, json_value *l, const json_value *m)
{
    arena *a = ctx->a;
    const char *fid = json_get_str(m, "fieldId");
    if (!fid || !*fid) return bad_body(ctx, "required", "Required: fieldId", "labelModifications.fieldModifications.fieldId");
    json_value *fields = json_get(l, "fields");
    if (json_truthy(json_get(m, "unsetValues"))) {
        json_remove(fields, fid);
        return true;
    }
    for (size_t k = 0; k < sizeof value_kinds / sizeof value_kinds[0]; k++) {
        json_value *vals = json_get(m, value_kinds[k].set);
        if (!vals) continue;
        if (vals->type != JSON_ARRAY)
            return bad_body(ctx, "invalid", arena_printf(a, "Invalid value for: %s", value_kinds[k].set), value_kinds[k].set);
        json_value *field = json_object(a), *out = json_array(a);
        json_set_str(a, field, "kind", "drive#labelField");
        json_set_str(a, field, "id", fid);
        json_set_str(a, field, "valueType", value_kinds[k].type);
        bool users = str_eq(value_kinds[k].type, "user");
        json_foreach(v, vals) {
            if (!json_str(v)) return bad_body(ctx, "invalid", "Invalid value", value_kinds[k].set);
            json_push(out, users ? gd_user(ctx, v->str) : json_string(a, v->str));
        }
        json_set(a, field, value_kinds[k].type, out);
        json_set(a, fields, fid, field);
        return true;
    }
    return bad_body(ctx, "required", "A field modification needs a set*Values list or unsetValues.",
                    "labelModifications.fieldModifications");
}

void gd_files_modify_labels(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *f = gd_file_load(ctx);
    if (!f || !gd_require_body(ctx)) return;
    if (json_truthy(json_get(f, "_root"))) return gd_insufficient_permissions(ctx);
    if (!gd_require_drive_rank(ctx, json_get_str(f, "driveId"), 3)) return;
    json_value *mods = json_get(ctx->body, "labelModifications");
    if (mods && mods->type != JSON_ARRAY)
        return gd_error(ctx, 400, "invalid", "Invalid value for: labelModifications", "labelModifications", "other");
    json_value *labels = labels_of(ctx, f), *modified = json_array(a);
    json_foreach(m, mods) {
        const char *lid = json_get_str(m, "labelId");
        if (!lid || !*lid)
            return gd_error(ctx, 400, "required", "Required: labelId", "labelModifications.labelId", "other");
        if (json_truthy(json_get(m, "removeLabel"))) {
            json_remove(labels, lid);
            json_value *gone = json_object(a);
            json_set_str(a, gone, "kind", "drive#label");
            json_set_str(a, gone, "id", lid);
            json_push(modified, gone);
            continue;
        }
        json_value *l = json_get(labels, lid);
        if (!l) {
            l = json_object(a);
            json_set_str(a, l, "kind", "drive#label");
            json_set_str(a, l, "id", lid);
            json_set_str(a, l, "revisionId", "1");
            json_set(a, l, "fields", json_object(a));
            json_set(a, labels, lid, l);
        }
        json_foreach(fm, json_get(m, "fieldModifications")) if (!modify_field(ctx, l, fm)) return;
        json_push(modified, json_clone(a, l));
    }
    json_set_int(a, f, "version", gd_int(json_get(f, "version"), 1) + 1);
    gd_file_save(ctx, f);
    gd_record_change(ctx, json_get_str(f, "id"), false);
    json_value *out = json_object(a);
    json_set_str(a, out, "kind", "drive#modifyLabelsResponse");
    json_set(a, out, "modifiedLabels", modified);
    google_reply_fields(ctx, out, NULL);
}
