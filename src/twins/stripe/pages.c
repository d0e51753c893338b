/* Stripe twin: HTML rendering helpers shared by the hosted checkout page and
 * the dashboard (escaping, money, dates, page frames). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "twins/stripe/checkout.h"
#include "util/util.h"

void page_esc(buf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_putc(b, *p);
        }
    }
}

static bool zero_decimal(const char *c)
{
    static const char *const list[] = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
                                       "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf", NULL};
    for (size_t i = 0; list[i]; i++)
        if (str_eq(c, list[i])) return true;
    return false;
}

static const char *symbol_of(const char *c)
{
    if (str_eq(c, "usd")) return "$";
    if (str_eq(c, "eur")) return "\xe2\x82\xac";
    if (str_eq(c, "gbp")) return "\xc2\xa3";
    return NULL;
}

/* Whole units with thousands separators. */
static void put_grouped(buf *b, uint64_t n)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) buf_putc(b, ',');
        buf_putc(b, digits[i]);
    }
}

void page_money(buf *b, int64_t amount, const char *currency)
{
    const char *cur = currency ? currency : "usd";
    const char *sym = symbol_of(cur);
    uint64_t mag = amount < 0 ? (uint64_t)(-(amount + 1)) + 1 : (uint64_t)amount;
    if (amount < 0) buf_putc(b, '-');
    if (sym) buf_puts(b, sym);
    if (zero_decimal(cur)) {
        put_grouped(b, mag);
    } else {
        put_grouped(b, mag / 100);
        buf_printf(b, ".%02u", (unsigned)(mag % 100));
    }
    if (!sym) {
        buf_putc(b, ' ');
        for (const char *p = cur; *p; p++) buf_putc(b, (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
    }
}

const char *page_money_str(twin_ctx *ctx, int64_t amount, const char *currency)
{
    buf b = BUF_INIT;
    page_money(&b, amount, currency);
    const char *s = arena_strdup(ctx->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

void page_date(buf *b, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char out[40] = "";
    if (gmtime_r(&tt, &tm)) strftime(out, sizeof out, "%Y-%m-%d %H:%M UTC", &tm);
    buf_puts(b, out);
}

void page_badge(buf *b, const char *status)
{
    const char *s = status ? status : "unknown";
    const char *tone = "neutral";
    if (str_eq(s, "succeeded") || str_eq(s, "paid") || str_eq(s, "active") || str_eq(s, "complete") ||
        str_eq(s, "available") || str_eq(s, "trialing"))
        tone = "ok";
    else if (str_eq(s, "failed") || str_eq(s, "canceled") || str_eq(s, "void") || str_eq(s, "uncollectible") ||
             str_eq(s, "past_due") || str_eq(s, "unpaid") || str_eq(s, "expired"))
        tone = "bad";
    buf_printf(b, "<span class=\"badge %s\">", tone);
    page_esc(b, s);
    buf_puts(b, "</span>");
}

static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "color:#1a1f36;background:#f6f9fc}"
    "a{color:#635bff;text-decoration:none}a:hover{text-decoration:underline}a.card{color:inherit}"
    "h1{font-size:24px;margin:0 0 16px}h2{font-size:17px;margin:24px 0 8px}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;"
    "background:#e3e8ee;color:#4f566b}.badge.ok{background:#d7f7c2;color:#05690d}"
    ".badge.bad{background:#ffe7f2;color:#b3093c}"
    ".muted{color:#697386}.error{color:#df1b41;font-weight:500}"
    /* checkout */
    ".checkout{display:flex;min-height:100vh;flex-wrap:wrap}"
    ".summary{flex:1 1 360px;padding:56px 48px;background:#fff;border-right:1px solid #e3e8ee}"
    ".payform{flex:1 1 360px;padding:56px 48px;max-width:560px}"
    ".merchant{font-weight:600;color:#697386;margin-bottom:8px}"
    ".total{font-size:36px;font-weight:600;margin:4px 0 24px}"
    ".line{display:flex;justify-content:space-between;padding:10px 0;border-bottom:1px solid #eef0f4}"
    ".line .qty{color:#697386;font-size:13px}"
    "label{display:block;font-size:13px;font-weight:500;color:#4f566b;margin:14px 0 4px}"
    "input{width:100%;padding:10px 12px;font-size:15px;border:1px solid #d5dbe1;border-radius:6px;"
    "background:#fff}input:focus{outline:2px solid #635bff55;border-color:#635bff}"
    ".row{display:flex;gap:12px}.row>div{flex:1}"
    "button,.button{display:inline-block;width:100%;margin-top:22px;padding:12px;font-size:16px;font-weight:600;"
    "color:#fff;background:#635bff;border:0;border-radius:6px;cursor:pointer;text-align:center}"
    "button.secondary{background:#fff;color:#df1b41;border:1px solid #df1b41}"
    ".alert{background:#fff0f3;border:1px solid #ffc9d4;color:#b3093c;padding:10px 12px;border-radius:6px;"
    "margin-bottom:12px}"
    ".cancel{display:block;margin-top:16px;font-size:14px}"
    ".center{max-width:440px;margin:80px auto;background:#fff;padding:40px;border-radius:8px;"
    "box-shadow:0 2px 12px #0000000f}"
    /* dashboard */
    ".top{display:flex;align-items:center;gap:24px;padding:14px 32px;background:#fff;"
    "border-bottom:1px solid #e3e8ee}.brand{font-weight:700;color:#635bff}.top a.on{font-weight:600;color:#1a1f36}"
    ".test{margin-left:auto;background:#ffde92;color:#8a4b00;font-size:12px;font-weight:600;padding:2px 8px;"
    "border-radius:4px}"
    "main{padding:28px 32px;max-width:1200px}"
    ".cards{display:flex;gap:16px;flex-wrap:wrap}.card{background:#fff;border:1px solid #e3e8ee;"
    "border-radius:8px;padding:16px 20px;min-width:170px}.card .k{font-size:13px;color:#697386}"
    ".card .v{font-size:22px;font-weight:600}"
    "table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e3e8ee;border-radius:8px}"
    "th,td{text-align:left;padding:9px 14px;border-bottom:1px solid #eef0f4;font-size:14px}"
    "th{font-size:12px;text-transform:uppercase;color:#697386;font-weight:600}"
    "td.num,th.num{text-align:right}code{font-size:12px;color:#4f566b}"
    ".empty{background:#fff;border:1px dashed #d5dbe1;border-radius:8px;padding:32px;text-align:center;"
    "color:#697386}";

void page_begin(buf *b, const char *title, const char *body_class)
{
    buf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
    page_esc(b, title);
    buf_printf(b, "</title><style>%s</style></head><body class=\"", css);
    page_esc(b, body_class);
    buf_puts(b, "\">\n");
}

void page_end(buf *b)
{
    buf_puts(b, "\n</body></html>\n");
}

void page_send(twin_ctx *ctx, int status, buf *b)
{
    stripe_stamp(ctx);
    http_set_header(ctx->req, "Cache-Control", "no-store");
    twin_reply_buf(ctx, status, "text/html; charset=utf-8", b);
}

void page_redirect(twin_ctx *ctx, const char *url)
{
    buf b = BUF_INIT;
    http_set_header(ctx->req, "Location", url);
    page_begin(&b, "Redirecting", "");
    buf_puts(&b, "<p>Redirecting to <a href=\"");
    page_esc(&b, url);
    buf_puts(&b, "\">");
    page_esc(&b, url);
    buf_puts(&b, "</a></p>");
    page_end(&b);
    page_send(ctx, 303, &b);
}

void page_message(twin_ctx *ctx, int status, const char *title, const char *text)
{
    buf b = BUF_INIT;
    page_begin(&b, title, "");
    buf_puts(&b, "<div class=\"center\"><h1>");
    page_esc(&b, title);
    buf_puts(&b, "</h1><p class=\"muted\">");
    page_esc(&b, text);
    buf_puts(&b, "</p></div>");
    page_end(&b);
    page_send(ctx, status, &b);
}

static const struct {
    const char *key, *label, *path;
} nav[] = {
    {"home", "Home", "/dashboard"},
    {"payments", "Payments", "/dashboard/payments"},
    {"balances", "Balances", "/dashboard/balances"},
    {"customers", "Customers", "/dashboard/customers"},
    {"products", "Product catalog", "/dashboard/products"},
    {"subscriptions", "Subscriptions", "/dashboard/subscriptions"},
    {"invoices", "Invoices", "/dashboard/invoices"},
};

void page_dash_begin(buf *b, const char *title, const char *current)
{
    page_begin(b, title, "dashboard");
    buf_puts(b, "<nav class=\"top\"><span class=\"brand\">Stripe twin</span>");
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
        buf_printf(b, "<a href=\"%s\"%s>%s</a>", nav[i].path, str_eq(current, nav[i].key) ? " class=\"on\"" : "",
                   nav[i].label);
    buf_puts(b, "<span class=\"test\">Test mode</span></nav><main><h1>");
    page_esc(b, title);
    buf_puts(b, "</h1>\n");
}

twin_list page_docs(twin_ctx *ctx, const char *collection, size_t limit)
{
    twin_list out = {0};
    store_list_opts o = {.limit = limit, .newest_first = true};
    if (twin_doc_list(ctx, collection, &o, &out) != 0) out = (twin_list){0};
    return out;
}
