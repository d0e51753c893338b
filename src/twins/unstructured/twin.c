/* Unstructured twin: catalog declaration and route table (the partition
 * API of api.unstructuredapp.io and the Platform API of
 * platform.unstructuredapp.io on one base URL, as the seed's host list
 * has them). */
#include "engine/env.h"
#include "engine/twin.h"
#include "twins/unstructured/unstructured.h"

static const char *const hosts[] = {"api.unstructuredapp.io", "platform.unstructuredapp.io", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "UNSTRUCTURED_API_URL", "");
    env_set(a, out, "UNSTRUCTURED_API_KEY", env_token(e, a, "unstructured", "", 32));
}

static const twin_route routes[] = {
    {"POST", "/general/v0/general", us_partition, NULL},
    {"GET", "/general/docs", us_docs, "public"},
    {"GET", "/healthcheck", us_healthcheck, "public"},
    {"GET", "/general/v0/general/healthcheck", us_healthcheck, "public"},
    {"GET", "/api/v1/sources/", us_sources_list, NULL},
    {"POST", "/api/v1/sources/", us_source_create, NULL},
    {"GET", "/api/v1/sources/{source_id}", us_source_get, NULL},
    {"PUT", "/api/v1/sources/{source_id}", us_source_update, NULL},
    {"DELETE", "/api/v1/sources/{source_id}", us_source_delete, NULL},
    {"GET", "/api/v1/destinations/", us_destinations_list, NULL},
    {"POST", "/api/v1/destinations/", us_destination_create, NULL},
    {"GET", "/api/v1/destinations/{destination_id}", us_destination_get, NULL},
    {"PUT", "/api/v1/destinations/{destination_id}", us_destination_update, NULL},
    {"DELETE", "/api/v1/destinations/{destination_id}", us_destination_delete, NULL},
    {"GET", "/api/v1/workflows/", us_workflows_list, NULL},
    {"POST", "/api/v1/workflows/", us_workflow_create, NULL},
    {"GET", "/api/v1/workflows/{workflow_id}", us_workflow_get, NULL},
    {"PUT", "/api/v1/workflows/{workflow_id}", us_workflow_update, NULL},
    {"DELETE", "/api/v1/workflows/{workflow_id}", us_workflow_delete, NULL},
    {"POST", "/api/v1/workflows/{workflow_id}/run", us_workflow_run, NULL},
    {"GET", "/api/v1/jobs/", us_jobs_list, NULL},
    {"GET", "/api/v1/jobs/{job_id}", us_job_get, NULL},
    {"POST", "/api/v1/jobs/{job_id}/cancel", us_job_cancel, NULL},
};

const twin_def twin_unstructured = {
    .name = "unstructured",
    .label = "Unstructured",
    .frontend = false,
    .show_in_ui = false,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = us_seed_schema,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .spec_name = "unstructured",
    .authenticate = us_authenticate,
    .send_error = us_send_error,
    .seed = us_seed,
};
